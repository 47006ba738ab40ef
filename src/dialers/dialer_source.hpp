#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"

namespace dialtrack::dialers {

/// One call attempt as a dialer reports it, in dialtrack's words. A job (one contact of a job
/// group) has one attempt per dial; each attempt becomes one call record.
struct CallAttempt {
  std::string call_id;       ///< the dialer's id of this attempt (OutboundBot: TaskId)
  std::string job_group_id;  ///< the dialer's job group
  std::optional<std::string> job_id;
  std::string phone;        ///< the called number as the dialer gives it (not normalised)
  std::string call_status;  ///< the dialer's own status name (OutboundBot: TaskStatusString)
  std::optional<domain::Timestamp> started_at;
  std::optional<domain::Timestamp> ended_at;
  std::optional<std::int64_t> duration;  ///< seconds
  std::optional<domain::Timestamp> event_time;
};

/// One page of a job group's call results and where the next page starts.
struct ResultPage {
  std::vector<CallAttempt> attempts;
  /// Opaque to everyone but the source: give it back to fetch the page after this one. Stored
  /// per job group once this page's records are stored, so a restart resumes here.
  std::string next_cursor;
  /// True when this page is the last one for now; `next_cursor` then starts the next sync.
  bool last = false;
};

/// Why a page could not be fetched.
enum class FetchFailure {
  kThrottled,        ///< the dialer asked us to slow down; worth retrying after a while
  kAuth,             ///< bad or unauthorised credentials (wrong key, signature, permission)
  kUnknownJobGroup,  ///< the dialer does not know the job group (or instance)
  kNetwork,          ///< no answer: connect, TLS, timeout, connection cut
  kMalformed,        ///< an answer that is not what the API documents (bad JSON, truncated)
  kServer,           ///< the dialer answered 5xx or another error
};

struct FetchError {
  FetchFailure kind = FetchFailure::kNetwork;
  /// Operator-readable and free of credentials: the dialer's code and message, or the cause.
  std::string message;
  /// For kThrottled: how long the dialer asked us to wait, when it said.
  std::optional<std::chrono::milliseconds> retry_after;
};

using FetchOutcome = std::variant<ResultPage, FetchError>;

/// A dialer that can list a job group's call results since a cursor: the one interface the
/// sync service needs from a dialer. To add a dialer, implement this (see docs/dialers.md).
/// `fetch_page` blocks (network I/O); never call it on an I/O thread. Implementations are used
/// from several threads at once (HTTP requests, the periodic puller) and must be thread-safe.
class DialerSource : public domain::Interface {
 public:
  /// Names the dialer account the cursors belong to (`alibaba:<instance id>`): a cursor is only
  /// valid for the account that gave it. Never contains credentials.
  [[nodiscard]] virtual std::string account() const = 0;

  /// The page of `job_group_id`'s call attempts that starts at `cursor` (empty: from the very
  /// beginning).
  virtual FetchOutcome fetch_page(std::string_view job_group_id, std::string_view cursor) = 0;
};

/// `throttled`, `auth`, `unknown_job_group`, `network`, `malformed`, `server`.
std::string_view failure_name(FetchFailure failure);

}  // namespace dialtrack::dialers
