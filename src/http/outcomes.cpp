#include "http/outcomes.hpp"

#include <array>
#include <string>

#include "domain/enum_names.hpp"

namespace dialtrack::http {

namespace json = boost::json;

namespace {

// A full disk waits for an operator: retrying every second would only fill the logs.
constexpr int kStoreFullRetryAfterSeconds = 30;

/// What the 404 of each missing thing says.
constexpr std::array<domain::EnumName<Missing, Msg>, 4> kMissingTexts{{
    {Missing::kTask, Msg::kTaskNotFound},
    {Missing::kLead, Msg::kLeadNotFound},
    {Missing::kWebhook, Msg::kWebhookNotFound},
    {Missing::kRoute, Msg::kRouteNotFound},
}};
static_assert(domain::names_each_value(kMissingTexts, Missing::kTask, Missing::kRoute));

}  // namespace

Reply not_found(Missing missing, Language lang) {
  const auto msg = domain::name_of(kMissingTexts, missing, Msg::kRouteNotFound);
  return fail(Status::not_found, text(msg, lang));
}

Reply bad_field(const domain::FieldError& error, Language lang) {
  return {Status::bad_request, field_error_text(error, lang), json::object{{"field", error.field}}};
}

Reply private_webhook_target(domain::AddressKind kind, Language lang) {
  const std::string kind_name(domain::address_kind_name(kind));
  return {Status::bad_request,
          "url: " + text(Msg::kPrivateWebhookTarget, lang) + " (" + kind_name + ")",
          json::object{{"field", "url"}, {"address_kind", kind_name}}};
}

Reply task_failure(app::TaskFailure failure, Language lang, int task_type, Msg wrong_state) {
  switch (failure) {
    case app::TaskFailure::kNotFound:
      return not_found(Missing::kTask, lang);
    case app::TaskFailure::kLeadNotFound:
      return not_found(Missing::kLead, lang);
    case app::TaskFailure::kDeleted:
      return fail(Status::conflict, text(Msg::kTaskDeleted, lang));
    case app::TaskFailure::kWrongState:
      return fail(Status::conflict, wrong_state == Msg::kCannotStart
                                        ? cannot_start_text(task_type, lang)
                                        : text(wrong_state, lang));
  }
  return fault_reply(Fault::kUnexpected, lang);
}

Reply sync_refused(app::SyncRefusal refusal, Language lang) {
  switch (refusal) {
    case app::SyncRefusal::kTaskNotFound:
      return not_found(Missing::kTask, lang);
    case app::SyncRefusal::kNoJobGroup:
      return fail(Status::conflict, text(Msg::kSyncNoJobGroup, lang));
    case app::SyncRefusal::kAlreadyRunning:
      return fail(Status::conflict, text(Msg::kSyncRunning, lang));
    case app::SyncRefusal::kNoAccount:
      return fail(Status::service_unavailable, text(Msg::kSyncNoAccount, lang));
  }
  return fault_reply(Fault::kUnexpected, lang);
}

Reply sync_finished(const app::SyncReport& report, json::value data, Language lang) {
  if (!report.error) {
    return ok(std::move(data), text(Msg::kSyncDone, lang));
  }
  // The pages stored before the failure stay stored; `data` says how far it got.
  switch (const auto kind = report.error->kind) {
    case app::SyncErrorKind::kConcurrentSync:
      return ok(std::move(data), text(Msg::kSyncRunning, lang), Status::conflict);
    case app::SyncErrorKind::kStorage:
      return ok(std::move(data), text(Msg::kStoreUnavailable, lang), Status::service_unavailable);
    case app::SyncErrorKind::kStopped:
      return ok(std::move(data), text(Msg::kShuttingDown, lang), Status::service_unavailable);
    case app::SyncErrorKind::kThrottled:
    case app::SyncErrorKind::kAuth:
    case app::SyncErrorKind::kUnknownJobGroup:
    case app::SyncErrorKind::kNetwork:
    case app::SyncErrorKind::kMalformed:
    case app::SyncErrorKind::kServer:
      return ok(std::move(data), sync_failed_text(kind, lang), Status::bad_gateway);
  }
  return ok(std::move(data), text(Msg::kInternalError, lang), Status::internal_server_error);
}

Reply access_refused(const AccessRefusal& refusal, Language lang) {
  const std::string scope(scope_name(refusal.needed));
  switch (refusal.denial) {
    case Denial::kTokenMissing: {
      auto reply = fail(Status::unauthorized, text(Msg::kTokenMissing, lang));
      reply.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="dialtrack")");
      return reply;
    }
    case Denial::kTokenInvalid: {
      auto reply = fail(Status::unauthorized, text(Msg::kTokenInvalid, lang));
      reply.headers.emplace_back("WWW-Authenticate",
                                 R"(Bearer realm="dialtrack", error="invalid_token")");
      return reply;
    }
    case Denial::kScopeTooLow: {
      Reply reply{Status::forbidden, scope_too_low_text(scope, lang),
                  json::object{{"required_scope", scope}}};
      reply.headers.emplace_back(
          "WWW-Authenticate",
          R"(Bearer realm="dialtrack", error="insufficient_scope", scope=")" + scope + "\"");
      return reply;
    }
    case Denial::kSignatureMissing:
      return fail(Status::unauthorized, text(Msg::kSignatureMissing, lang));
    case Denial::kSignatureInvalid:
      return fail(Status::unauthorized, text(Msg::kSignatureInvalid, lang));
    case Denial::kSignatureExpired:
      return fail(Status::unauthorized, text(Msg::kSignatureExpired, lang));
  }
  return fail(Status::unauthorized, text(Msg::kTokenInvalid, lang));
}

Reply fault_reply(Fault fault, Language lang) {
  switch (fault) {
    case Fault::kStoreUnavailable:
    case Fault::kStoreConflict:
      // Busy or down, not broken: nothing was kept, and the same request may succeed later.
      return fail(Status::service_unavailable, text(Msg::kStoreUnavailable, lang));
    case Fault::kStoreFull: {
      // Not a 500: nothing was kept and the same request succeeds once an operator frees space,
      // so dialers that retry on 5xx with Retry-After keep the records instead of dropping them.
      auto reply = fail(Status::insufficient_storage, text(Msg::kStoreFull, lang));
      reply.headers.emplace_back("Retry-After", std::to_string(kStoreFullRetryAfterSeconds));
      return reply;
    }
    case Fault::kUnexpected:
      break;
  }
  return fail(Status::internal_server_error, text(Msg::kInternalError, lang));
}

Reply server_refusal(ServerRefusal refusal, Language lang, std::string_view detail) {
  const auto busy = [lang](Msg msg) {
    // Busy, not broken: the same request may succeed in a moment (or on another instance).
    auto reply = fail(Status::service_unavailable, text(msg, lang));
    reply.headers.emplace_back("Retry-After", "1");
    return reply;
  };
  switch (refusal) {
    case ServerRefusal::kMalformed: {
      std::string message = text(Msg::kBadRequest, lang);
      if (!detail.empty()) {
        message.append(": ").append(detail);
      }
      return fail(Status::bad_request, std::move(message));
    }
    case ServerRefusal::kHeadersTooLarge:
      return fail(Status::request_header_fields_too_large, text(Msg::kHeadersTooLarge, lang));
    case ServerRefusal::kTooManyConnections:
      return busy(Msg::kTooManyConnections);
    case ServerRefusal::kBodyBudgetFull:
      return busy(Msg::kBodyBudgetFull);
    case ServerRefusal::kShuttingDown:
      return busy(Msg::kShuttingDown);
  }
  return fault_reply(Fault::kUnexpected, lang);
}

Reply body_too_large(std::size_t limit, Language lang) {
  return fail(Status::payload_too_large, body_too_large_text(limit, lang));
}

Reply not_ready(std::chrono::milliseconds wait, Language lang) {
  return fail(Status::service_unavailable, not_ready_text(wait.count(), lang));
}

}  // namespace dialtrack::http
