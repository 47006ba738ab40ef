#pragma once

#include <string>
#include <string_view>

#include "app/ingest_service.hpp"
#include "app/sync_service.hpp"
#include "domain/validation.hpp"

namespace dialtrack::http {

/// The language of every message of one answer: Chinese unless the client asks for English.
enum class Language { kChinese, kEnglish };

/// Reads `Accept-Language`: English when its first language tag starts with `en`.
Language language_from_header(std::string_view accept_language);

/// Every fixed message of the API, in both languages.
enum class Msg {
  kOk,
  kTaskCreated,
  kTaskNotFound,
  kTaskDeleted,
  kTaskCompleted,     ///< the check's "all connected" message
  kTaskNotCompleted,  ///< takes connected and total
  kCannotStart,       ///< takes the task type
  kLeadsAdded,
  kRecordsStored,
  kRouteNotFound,
  kMethodNotAllowed,
  kInvalidJson,  ///< takes the parser's reason
  kJsonTooDeep,  ///< takes the depth limit
  kBodyNotObject,
  kBodyTooLarge,  ///< takes the limit in bytes
  kBadRequest,
  kHeadersTooLarge,
  kInvalidPathId,  ///< takes the parameter name
  kStoreUnavailable,
  kStoreFull,  ///< the database's disk is full: nothing saved, retry once space is freed
  kInternalError,
  kShuttingDown,
  kWebhookCreated,
  kWebhookNotFound,
  kWebhookDeleted,
  kTokenMissing,
  kTokenInvalid,
  kSignatureMissing,
  kSignatureInvalid,
  kSignatureExpired,
  kTooManyConnections,
  kPrivateWebhookTarget,
  kSyncDone,
  kSyncNoAccount,
  kSyncNoJobGroup,
  kSyncRunning,
  kBodyBudgetFull,  ///< the bodies being read already hold the memory budget
  kNotReady,        ///< /readyz: the database did not answer (not_ready_text: with the wait)
  kLeadNotFound,
  kTaskFinished,
  kCompletionChanged,
  kCompletionLocked,  ///< a completed task keeps its completion policy
  kTaskRedialed,
};

std::string text(Msg msg, Language lang);
/// `kTaskNotCompleted`: 任务未完成，已接通 X/Y.
std::string not_completed_text(std::int64_t connected, std::int64_t total, Language lang);
/// The check's message of a completed task under `all_settled` with unconnected leads:
/// 任务已完成，已接通 X/Y，其余号码已无法接通.
std::string all_settled_text(std::int64_t connected, std::int64_t total, Language lang);
/// The check's message of a task finished by hand: 任务已手动结束，已接通 X/Y.
std::string finished_by_hand_text(std::int64_t connected, std::int64_t total, Language lang);
std::string cannot_start_text(int task_type, Language lang);
std::string invalid_json_text(std::string_view reason, Language lang);
std::string json_too_deep_text(int depth, Language lang);
std::string body_too_large_text(std::size_t limit, Language lang);
std::string not_ready_text(std::int64_t wait_ms, Language lang);
std::string invalid_path_id_text(std::string_view name, Language lang);
/// 403: the token's scope does not cover the route, which needs `scope`.
std::string scope_too_low_text(std::string_view scope, Language lang);
/// A sync from the dialer that stopped on one of the dialer's failures (`auth`, `network`, ...).
std::string sync_failed_text(app::SyncErrorKind kind, Language lang);

/// "字段 leads[2].phone 不是有效的电话号码…" / "field leads[2].phone is not a valid phone…".
std::string field_error_text(const domain::FieldError& error, Language lang);
/// The reason of one rejected call record.
std::string rejection_text(const app::Rejection& rejection, Language lang);

}  // namespace dialtrack::http
