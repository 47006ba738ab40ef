#include "http/messages.hpp"

#include <fmt/format.h>

#include <array>

#include "domain/bilingual.hpp"
#include "domain/enum_names.hpp"
#include "message_texts.hpp"

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

// The texts are the catalogue's (src/http/messages.tsv, compiled into message_texts.hpp): it
// lists every message and every problem of a field once, in their enums' order.
using message_texts::kMessages;
using message_texts::kProblems;
static_assert(domain::names_each_value(kMessages, Msg::kOk, Msg::kTaskRedialed));
static_assert(domain::names_each_value(kProblems, domain::Problem::kRequired,
                                       domain::Problem::kTimeInFuture));

std::string_view type_name(std::string_view expected, Language lang) {
  return pick(domain::find_text(message_texts::kExpected, expected)
                  .value_or(domain::Bilingual{"有效值", "valid"}),
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
  return std::string(pick(domain::name_of(kMessages, msg, {"", ""}), lang));
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
  const auto texts = domain::name_of(kProblems, e.problem, {});
  if (texts.zh.empty()) {
    return e.field;
  }
  // The catalogue's texts name what they hold: {field}, {limit}, {expected} (what the field
  // must be, in words) and {value} (the value as read, kept in `expected` too).
  return fmt::format(fmt::runtime(pick(texts, lang)), fmt::arg("field", e.field),
                     fmt::arg("limit", e.limit), fmt::arg("expected", type_name(e.expected, lang)),
                     fmt::arg("value", e.expected));
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
