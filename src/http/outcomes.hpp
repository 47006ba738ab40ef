#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <string_view>

#include "app/sync_service.hpp"
#include "app/task_service.hpp"
#include "domain/address.hpp"
#include "domain/validation.hpp"
#include "http/auth.hpp"
#include "http/messages.hpp"
#include "http/router.hpp"

namespace dialtrack::http {

// The one place that turns the expected failures of a request (a bad field, something missing,
// a refusal or failure of a use case, a refused token) and the faults caught at its top into an
// HTTP status and message (docs/api.md lists them). Route files return these replies and choose
// only their success statuses.

/// What a request named that does not exist.
enum class Missing {
  kTask,     ///< no task with this id
  kLead,     ///< the task has no lead with this phone
  kWebhook,  ///< no webhook with this id (or a deleted one)
  kRoute,    ///< no route, or no embedded file, at this path
};

/// A fault caught once at the top of a request, after it was logged.
enum class Fault {
  kStoreUnavailable,  ///< the database is down or busy beyond its timeout
  kStoreConflict,     ///< every retry of the transaction lost a race with other writers
  kStoreFull,         ///< the database's disk is full (SQLITE_FULL, ENOSPC, SQLSTATE 53100)
  kUnexpected,        ///< anything else: a bug
};

/// 404, naming what is missing.
Reply not_found(Missing missing, Language lang);
/// 400 naming the field in the message and in `data.field`.
Reply bad_field(const domain::FieldError& error, Language lang);
/// 400: a webhook URL whose literal address is not public; `data.address_kind` says which kind.
Reply private_webhook_target(domain::AddressKind kind, Language lang);
/// 404 for a missing task; 409 for a deleted one or one whose state forbids the operation
/// (`task_type`: the state it is in, named in that message).
/// `wrong_state`: what a refused state change says (by default that the task cannot start,
/// with its `task_type`).
Reply task_failure(app::TaskFailure failure, Language lang, int task_type = 0,
                   Msg wrong_state = Msg::kCannotStart);
/// Why a sync did not start: 404 unknown task, 409 no job group or already running, 503 no
/// dialer account.
Reply sync_refused(app::SyncRefusal refusal, Language lang);
/// A sync that ran, with `data` its report: 200 when nothing stopped it; else 409 when another
/// sync stored a newer cursor first, 503 when the database failed or the service is stopping,
/// 502 for the dialer's failures.
Reply sync_finished(const app::SyncReport& report, boost::json::value data, Language lang);
/// 401 for who (no token, an unknown one, a bad or missing signature), 403 for what (the
/// token's scope is too low), with the `WWW-Authenticate` challenge where one applies.
Reply access_refused(const AccessRefusal& refusal, Language lang);
/// 503 for the database (nothing of the request was kept; retry later), 507 with `Retry-After`
/// for its full disk (nothing kept either; retry once space is freed), 500 for the rest.
Reply fault_reply(Fault fault, Language lang);

/// Why the server answered a request itself, without running (or finishing) its route.
enum class ServerRefusal {
  kMalformed,           ///< 400: not an HTTP/1.1 request it can read
  kHeadersTooLarge,     ///< 431: over http.header_limit
  kTooManyConnections,  ///< 503 + Retry-After: http.max_connections are open
  kBodyBudgetFull,      ///< 503 + Retry-After: the bodies being read hold the memory budget
  kShuttingDown,        ///< 503 + Retry-After: the shutdown grace ended before the answer
};
/// The answer for `refusal`; `detail` (the parser's reason) follows a malformed request's message.
Reply server_refusal(ServerRefusal refusal, Language lang, std::string_view detail = {});
/// 413: the body is over http.body_limit (`limit` bytes).
Reply body_too_large(std::size_t limit, Language lang);
/// 503 from `GET /readyz`: the database did not answer a trivial query within `wait`.
Reply not_ready(std::chrono::milliseconds wait, Language lang);

}  // namespace dialtrack::http
