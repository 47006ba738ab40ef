#include "export/labels.hpp"

#include <array>

#include "domain/enum_names.hpp"

namespace dialtrack::exports {
namespace {

// The table of web/src/statuses.js (docs/dialers.md, "Call statuses"), and the lead states of
// web/src/i18n.js: the same words as the dashboard.
constexpr std::array<domain::BilingualEntry, 38> kLabels{{
    {"Executing", {"呼叫中", "Calling"}},
    {"Succeeded", {"接通", "Answered"}},
    {"NoAnswer", {"无人接听", "No answer"}},
    {"NotExist", {"号码不存在", "Number does not exist"}},
    {"Busy", {"忙线", "Busy"}},
    {"Cancelled", {"已取消", "Cancelled"}},
    {"Failed", {"呼叫失败", "Call failed"}},
    {"NotConnected", {"未接通", "Not connected"}},
    {"PoweredOff", {"关机", "Powered off"}},
    {"OutOfService", {"停机", "Out of service"}},
    {"InArrears", {"欠费", "In arrears"}},
    {"EmptyNumber", {"空号", "Empty number"}},
    {"PerDayCallCountLimit", {"超过每日呼叫次数限制", "Daily call limit reached"}},
    {"ContactBlockList", {"号码在黑名单中", "On the block list"}},
    {"CallerNotRegistered", {"主叫号码未登记", "Caller number not registered"}},
    {"Terminated", {"已终止", "Terminated"}},
    {"VerificationCancelled", {"校验未通过已取消", "Cancelled by verification"}},
    {"OutOfServiceNoCall", {"停机（未呼叫）", "Out of service (not called)"}},
    {"InArrearsNoCall", {"欠费（未呼叫）", "In arrears (not called)"}},
    {"CallingNumberNotExist", {"主叫号码不存在", "Calling number does not exist"}},
    {"SucceededFinish", {"正常接通", "Answered, finished"}},
    {"SucceededChatbotHangUpAfterNoAnswer",
     {"接通后客户未应答，机器人挂断", "Answered, bot hung up: no reply"}},
    {"SucceededChatbotHangUpAfterSilence",
     {"接通后客户沉默，机器人挂断", "Answered, bot hung up after silence"}},
    {"SucceededClientHangUpAfterNoAnswer",
     {"接通后未应答，客户挂断", "Answered, client hung up without reply"}},
    {"SucceededClientHangUp", {"接通后客户挂断", "Answered, client hung up"}},
    {"SucceededTransferByIntent", {"接通后按意向转人工", "Answered, transferred by intent"}},
    {"SucceededTransferAfterNoAnswer",
     {"接通后未应答转人工", "Answered, transferred after no reply"}},
    {"SucceededInoInterAction", {"接通但无交互", "Answered, no interaction"}},
    {"SucceededError", {"接通后出错", "Answered, then an error"}},
    {"SucceededSpecialInterceptVoiceAssistant",
     {"接通：语音助手拦截", "Answered: voice assistant intercepted"}},
    {"SucceededSpecialInterceptExtensionNumberTransfer",
     {"接通：分机号转接拦截", "Answered: extension transfer intercepted"}},
    {"SucceededSpecialInterceptCustomSpecialIntercept",
     {"接通：自定义拦截", "Answered: custom intercept"}},
    {"HighRiskSipCode", {"高风险信令码", "High-risk SIP code"}},
    {"Connected", {"已接通", "Connected"}},
    {"Unreachable", {"无法接通", "Unreachable"}},
    {"Rejected", {"拒接", "Rejected"}},
    {"Suspended", {"停机保号", "Suspended"}},
    {"SuspendedOrPoweredOff", {"停机或关机", "Suspended or powered off"}},
}};

using domain::LeadState;
constexpr std::array<domain::EnumName<LeadState, StatusLabel>, 4> kLeadStates{{
    {LeadState::kPending, {"待呼叫", "Pending"}},
    {LeadState::kConnected, {"已接通", "Connected"}},
    {LeadState::kUnreachable, {"无法接通", "Unreachable"}},
    {LeadState::kExhausted, {"次数用尽", "Out of attempts"}},
}};
static_assert(domain::names_each_value(kLeadStates, LeadState::kPending, LeadState::kExhausted));

}  // namespace

std::optional<StatusLabel> status_label(std::string_view status) {
  return domain::find_text(kLabels, status);
}

StatusLabel lead_state_label(domain::LeadState state) {
  return domain::name_of(kLeadStates, state, {"", ""});
}

}  // namespace dialtrack::exports
