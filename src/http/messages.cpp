#include "http/messages.hpp"

#include <fmt/format.h>

#include <array>

#include "domain/bilingual.hpp"
#include "domain/enum_names.hpp"

namespace dialtrack::http {
namespace {

std::string_view pick(const domain::Bilingual& texts, Language lang) {
  return lang == Language::kEnglish ? texts.en : texts.zh;
}

/// The Chinese or the English text, as `lang` asks, with `args` in its `{}`.
template <typename... Args>
std::string localized(Language lang, fmt::format_string<const Args&...> zh,
                      fmt::format_string<const Args&...> en, const Args&... args) {
  if (lang == Language::kEnglish) {
    return fmt::format(en, args...);
  }
  return fmt::format(zh, args...);
}

constexpr std::array<domain::EnumName<Msg, domain::Bilingual>, 43> kTexts{{
    {Msg::kOk, {"成功", "OK"}},
    {Msg::kTaskCreated, {"任务已创建", "Task created"}},
    {Msg::kTaskNotFound, {"任务不存在", "Task not found"}},
    {Msg::kTaskDeleted, {"任务已删除", "Task deleted"}},
    {Msg::kTaskCompleted,
     {"任务已完成，所有通话都已接通", "Task completed: every call is connected"}},
    {Msg::kTaskNotCompleted, {"任务未完成", "Task not completed"}},
    {Msg::kCannotStart, {"任务当前状态不能开始外呼", "The task cannot be started"}},
    {Msg::kLeadsAdded, {"线索已添加", "Leads added"}},
    {Msg::kRecordsStored, {"外呼记录已处理", "Call records processed"}},
    {Msg::kRouteNotFound, {"接口不存在", "No such endpoint"}},
    {Msg::kMethodNotAllowed, {"该接口不支持此请求方法", "Method not allowed on this endpoint"}},
    {Msg::kInvalidJson, {"请求体不是有效的 JSON", "The request body is not valid JSON"}},
    {Msg::kJsonTooDeep, {"JSON 嵌套层数过深", "JSON is nested too deeply"}},
    {Msg::kBodyNotObject, {"请求体必须是 JSON 对象", "The request body must be a JSON object"}},
    {Msg::kBodyTooLarge, {"请求体过大", "The request body is too large"}},
    {Msg::kBadRequest, {"请求格式错误", "Malformed HTTP request"}},
    {Msg::kHeadersTooLarge, {"请求头过大", "Request headers are too large"}},
    {Msg::kInvalidPathId, {"路径参数必须是正整数", "The path id must be a positive integer"}},
    {Msg::kStoreUnavailable,
     {"数据库暂时不可用，请稍后重试", "The database is temporarily unavailable; retry later"}},
    {Msg::kStoreFull,
     {"数据库磁盘空间已满，本次数据未保存，请稍后重试",
      "The database's disk is full; nothing was saved. Retry later"}},
    {Msg::kInternalError, {"服务器内部错误", "Internal server error"}},
    {Msg::kShuttingDown, {"服务正在停止", "The service is shutting down"}},
    {Msg::kWebhookCreated, {"Webhook 已创建", "Webhook created"}},
    {Msg::kWebhookNotFound, {"Webhook 不存在", "Webhook not found"}},
    {Msg::kWebhookDeleted, {"Webhook 已删除", "Webhook deleted"}},
    {Msg::kTokenMissing,
     {"需要访问令牌：请在 Authorization 头中提供 Bearer 令牌",
      "Authentication required: send a token in Authorization: Bearer"}},
    {Msg::kTokenInvalid, {"访问令牌无效", "The bearer token is not valid"}},
    {Msg::kSignatureMissing,
     {"推送缺少签名：需要 X-Dialtrack-Timestamp 和 X-Dialtrack-Signature 头",
      "The push is not signed: X-Dialtrack-Timestamp and X-Dialtrack-Signature are "
      "required"}},
    {Msg::kSignatureInvalid, {"推送签名无效", "The push signature does not match its body"}},
    {Msg::kSignatureExpired,
     {"推送签名已过期（时间戳超出允许范围，可能是重放）",
      "The push timestamp is outside the allowed window (a replay?)"}},
    {Msg::kTooManyConnections,
     {"连接数已达上限，请稍后重试", "Too many open connections; retry later"}},
    {Msg::kPrivateWebhookTarget,
     {"Webhook 地址指向内网、本机或链路本地地址，未被允许",
      "The webhook address is a private, loopback or link-local address, which is not "
      "allowed"}},
    {Msg::kSyncDone, {"已从外呼平台同步", "Synced from the dialer"}},
    {Msg::kSyncNoAccount,
     {"未配置外呼平台账号，无法同步", "No dialer account is configured; cannot sync"}},
    {Msg::kSyncNoJobGroup,
     {"任务没有 job_group_id，无法从外呼平台同步",
      "The task has no job_group_id to sync from the dialer"}},
    {Msg::kSyncRunning, {"该外呼批次正在同步中", "A sync of this job group is already running"}},
    {Msg::kBodyBudgetFull,
     {"服务器正在接收的请求体过多，请稍后重试",
      "The server is receiving too many request bodies; retry later"}},
    {Msg::kNotReady, {"数据库未及时应答", "The database did not answer in time"}},
    {Msg::kLeadNotFound, {"该号码不是此任务的线索", "The phone is not a lead of this task"}},
    {Msg::kTaskFinished, {"任务已手动结束", "Task finished by hand"}},
    {Msg::kCompletionChanged, {"完成策略已更新", "Completion policy updated"}},
    {Msg::kCompletionLocked,
     {"任务已完成，不能修改完成策略",
      "The task is completed: its completion policy cannot change"}},
    {Msg::kTaskRedialed, {"重拨任务已创建", "Redial task created"}},
}};
static_assert(domain::names_each_value(kTexts, Msg::kOk, Msg::kTaskRedialed));

std::string_view type_name(std::string_view expected, Language lang) {
  static constexpr domain::BilingualEntry kNames[] = {
      {"string", {"字符串", "a string"}},
      {"integer", {"整数", "an integer"}},
      {"number", {"数字", "a number"}},
      {"object", {"对象", "an object"}},
      {"array", {"数组", "an array"}},
      {"boolean", {"布尔值", "a boolean"}},
      {"time",
       {"时间（RFC 3339 字符串或 Unix 时间戳）", "a time (RFC 3339 string or Unix time number)"}},
      {"positive", {"正整数", "a positive integer"}},
      {"non-negative", {"非负整数", "a non-negative integer"}},
      {"task_type", {"1 到 4 之间的整数", "an integer from 1 to 4"}},
      {"page_size", {"1 到 1000 之间的整数", "an integer from 1 to 1000"}},
      {"date", {"YYYY-MM-DD 格式的日期", "a date as YYYY-MM-DD"}},
      {"date_range",
       {"不晚于 to 的日期，且范围不超过 366 天",
        "a date not after to, at most 366 days before it"}},
      {"utc_offset",
       {"+HH:MM 或 -HH:MM 格式、整刻钟的时区偏移",
        "a UTC offset as +HH:MM or -HH:MM, in whole quarter hours"}},
      {"format", {"json 或 csv", "json or csv"}},
      {"completion_until", {"all_connected 或 all_settled", "all_connected or all_settled"}},
      {"max_attempts", {"1 到 1000 之间的整数", "an integer from 1 to 1000"}},
      {"lead_state",
       {"pending、connected、unreachable、exhausted 或 not_connected 之一",
        "one of pending, connected, unreachable, exhausted, not_connected"}},
  };
  return pick(domain::find_text(kNames, expected).value_or(domain::Bilingual{"有效值", "valid"}),
              lang);
}

using app::SyncErrorKind;
/// Why a sync failed on the dialer's side; nothing for the failures that are not the dialer's,
/// which sync_finished answers with messages of their own.
constexpr std::array<domain::EnumName<SyncErrorKind, domain::Bilingual>, 9> kSyncFailures{{
    {SyncErrorKind::kThrottled,
     {"外呼平台限流，重试后仍失败", "the dialer kept throttling the requests"}},
    {SyncErrorKind::kAuth,
     {"外呼平台拒绝了访问凭证（AccessKey 或权限）",
      "the dialer refused the credentials (AccessKey or permission)"}},
    {SyncErrorKind::kUnknownJobGroup,
     {"外呼平台不认识该外呼批次", "the dialer does not know the job group"}},
    {SyncErrorKind::kNetwork, {"无法连接外呼平台", "the dialer could not be reached"}},
    {SyncErrorKind::kMalformed, {"外呼平台的应答格式不正确", "the dialer's answer was malformed"}},
    {SyncErrorKind::kServer, {"外呼平台返回错误", "the dialer answered an error"}},
    {SyncErrorKind::kConcurrentSync, {}},
    {SyncErrorKind::kStorage, {}},
    {SyncErrorKind::kStopped, {}},
}};
static_assert(domain::names_each_value(kSyncFailures, SyncErrorKind::kThrottled,
                                       SyncErrorKind::kStopped));

}  // namespace

Language language_from_header(std::string_view accept_language) {
  std::size_t start = 0;
  while (start < accept_language.size() && accept_language[start] == ' ') {
    ++start;
  }
  const auto tag = accept_language.substr(start, 2);
  return (tag == "en" || tag == "EN" || tag == "En") ? Language::kEnglish : Language::kChinese;
}

std::string text(Msg msg, Language lang) {
  return std::string(pick(domain::name_of(kTexts, msg, {"", ""}), lang));
}

std::string not_completed_text(std::int64_t connected, std::int64_t total, Language lang) {
  return localized(lang, "任务未完成，已接通 {}/{}", "Task not completed: {}/{} connected",
                   connected, total);
}

std::string all_settled_text(std::int64_t connected, std::int64_t total, Language lang) {
  return localized(lang, "任务已完成，已接通 {}/{}，其余号码已无法接通",
                   "Task completed: {}/{} connected, the other numbers are unreachable", connected,
                   total);
}

std::string finished_by_hand_text(std::int64_t connected, std::int64_t total, Language lang) {
  return localized(lang, "任务已手动结束，已接通 {}/{}", "Task finished by hand: {}/{} connected",
                   connected, total);
}

std::string cannot_start_text(int task_type, Language lang) {
  return localized(lang, "任务当前状态（task_type={}）不能开始外呼",
                   "The task cannot be started from task_type {}", task_type);
}

std::string invalid_json_text(std::string_view reason, Language lang) {
  return fmt::format("{}: {}", text(Msg::kInvalidJson, lang), reason);
}

std::string json_too_deep_text(int depth, Language lang) {
  return localized(lang, "JSON 嵌套超过 {} 层", "JSON is nested deeper than {} levels", depth);
}

std::string body_too_large_text(std::size_t limit, Language lang) {
  return localized(lang, "请求体超过 {} 字节的上限",
                   "The request body is larger than the limit of {} bytes", limit);
}

std::string not_ready_text(std::int64_t wait_ms, Language lang) {
  return localized(lang, "数据库未在 {} 毫秒内应答", "The database did not answer within {} ms",
                   wait_ms);
}

std::string invalid_path_id_text(std::string_view name, Language lang) {
  return localized(lang, "路径参数 {} 必须是正整数", "{} in the path must be a positive integer",
                   name);
}

std::string scope_too_low_text(std::string_view scope, Language lang) {
  return localized(lang, "访问令牌权限不足：需要 {} 权限",
                   "The token's scope does not allow this: it needs the {} scope", scope);
}

std::string field_error_text(const domain::FieldError& e, Language lang) {
  const auto& f = e.field;
  switch (e.problem) {
    case domain::Problem::kRequired:
      return localized(lang, "缺少字段 {}", "field {} is required", f);
    case domain::Problem::kWrongType:
      return localized(lang, "字段 {} 的类型错误，应为{}", "field {} must be {}", f,
                       type_name(e.expected, lang));
    case domain::Problem::kTooLong:
      return localized(lang, "字段 {} 过长，最多 {} 个字符",
                       "field {} is longer than {} characters", f, e.limit);
    case domain::Problem::kEmpty:
      return localized(lang, "字段 {} 不能为空", "field {} must not be empty", f);
    case domain::Problem::kInvalidPhone:
      return localized(lang, "字段 {} 不是有效的电话号码（3–20 位数字，可带 +）",
                       "field {} is not a valid phone number (3-20 digits, optional leading +)", f);
    case domain::Problem::kInvalidStatus:
      return localized(lang, "字段 {} 不是有效的通话状态（1–64 个字母、数字或下划线）",
                       "field {} is not a valid call status (1-64 ASCII letters, digits or _)", f);
    case domain::Problem::kInvalidTime:
      return localized(lang, "字段 {} 不是有效的时间（RFC 3339 或 Unix 时间戳）",
                       "field {} is not a valid time (RFC 3339 or Unix time)", f);
    case domain::Problem::kOutOfRange:
      return localized(lang, "字段 {} 超出范围，应为{}", "field {} must be {}", f,
                       type_name(e.expected, lang));
    case domain::Problem::kTooMany:
      return localized(lang, "字段 {} 最多 {} 项", "field {} has more than {} items", f, e.limit);
    case domain::Problem::kInvalidUrl:
      return localized(lang, "字段 {} 不是有效的 http:// 或 https:// 地址",
                       "field {} is not a valid http:// or https:// URL", f);
    case domain::Problem::kUnknownEvent:
      return localized(lang, "字段 {} 不是已知的事件（task.completed、task.status_changed）",
                       "field {} is not a known event (task.completed, task.status_changed)", f);
    case domain::Problem::kNulCharacter:
      return localized(lang, "字段 {} 不能包含 NUL 字符（U+0000）",
                       "field {} must not contain the NUL character (U+0000)", f);
    case domain::Problem::kInvalidUtf8:
      return localized(lang, "字段 {} 不是有效的 UTF-8 文本", "field {} is not valid UTF-8 text",
                       f);
    case domain::Problem::kTimeTooEarly:
      return localized(lang, "字段 {}（{}）早于 2000-01-01T00:00:00Z",
                       "field {} ({}) is before 2000-01-01T00:00:00Z", f, e.expected);
    case domain::Problem::kTimeInFuture:
      return localized(lang, "字段 {}（{}）比服务器时钟超前 {} 秒以上，请检查发送方的时钟或时区",
                       "field {} ({}) is more than {} s ahead of the server's clock; is the "
                       "sender's clock or time zone wrong?",
                       f, e.expected, e.limit);
  }
  return f;
}

std::string rejection_text(const app::Rejection& r, Language lang) {
  const bool en = lang == Language::kEnglish;
  switch (r.reason) {
    case app::RejectReason::kInvalidField:
      return r.field ? field_error_text(*r.field, lang) : text(Msg::kBadRequest, lang);
    case app::RejectReason::kTaskNotFound:
      return text(Msg::kTaskNotFound, lang);
    case app::RejectReason::kLeadNotFound:
      return en ? "the phone is not a lead of the task (or of the job group's tasks)"
                : "任务（或该任务组的任务）中没有这个电话号码";
    case app::RejectReason::kCallIdMoved:
      return en ? "the call_id is already stored for another task or phone"
                : "该 call_id 已属于其他任务或电话号码";
  }
  return {};
}

std::string sync_failed_text(app::SyncErrorKind kind, Language lang) {
  const auto failed = pick({"从外呼平台同步失败", "Sync from the dialer failed"}, lang);
  const auto reason = pick(domain::name_of(kSyncFailures, kind, {}), lang);
  return reason.empty() ? std::string(failed) : fmt::format("{}: {}", failed, reason);
}

}  // namespace dialtrack::http
