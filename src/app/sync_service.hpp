#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/clock.hpp"
#include "app/ingest_service.hpp"
#include "dialers/dialer_source.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

/// How hard a sync insists when the dialer throttles it.
struct SyncOptions {
  int max_attempts = 6;  ///< tries per page when throttled (the first one included)
  std::chrono::milliseconds retry_initial{500};  ///< the first backoff; doubles per retry
  std::chrono::milliseconds retry_max{10'000};   ///< the longest backoff
};

/// Why a sync stopped before the last page: one of the dialer's failures (the first six, with
/// the values of dialers::FetchFailure, so that `sync_error_kind` and `sync_error_name` follow
/// it; a failure added there is added here), or one of ours.
enum class SyncErrorKind {
  kThrottled = static_cast<int>(dialers::FetchFailure::kThrottled),
  kAuth = static_cast<int>(dialers::FetchFailure::kAuth),
  kUnknownJobGroup = static_cast<int>(dialers::FetchFailure::kUnknownJobGroup),
  kNetwork = static_cast<int>(dialers::FetchFailure::kNetwork),
  kMalformed = static_cast<int>(dialers::FetchFailure::kMalformed),
  kServer = static_cast<int>(dialers::FetchFailure::kServer),
  kConcurrentSync,  ///< another sync of the job group stored a newer cursor first
  kStorage,         ///< our database failed
  kStopped,         ///< the service is shutting down
};

/// The kind as answers, logs and the tasks' `last_sync_error` name it: `throttled`, `auth`,
/// `unknown_job_group`, `network`, `malformed`, `server`, `concurrent_sync`, `storage`,
/// `stopped`.
[[nodiscard]] std::string_view sync_error_name(SyncErrorKind kind);
/// The kind of a dialer's failure.
[[nodiscard]] inline SyncErrorKind sync_error_kind(dialers::FetchFailure failure) {
  return static_cast<SyncErrorKind>(failure);
}

/// Why a sync stopped before the last page, in words an operator understands. Never contains
/// credentials.
struct SyncError {
  SyncErrorKind kind = SyncErrorKind::kStorage;
  std::string message;
};

/// What one sync of a job group did (its counts: the records of all its pages). Every page
/// counted here is stored with its cursor.
struct SyncReport : IngestCounts {
  std::string job_group_id;
  std::int64_t pages = 0;                       ///< pages fetched and stored
  std::int64_t fetched = 0;                     ///< call attempts in those pages
  std::int64_t rejected = 0;                    ///< attempts with bad fields or no matching lead
  std::int64_t retries = 0;                     ///< throttled requests retried
  bool finished = false;                        ///< the last page was reached
  std::vector<domain::TaskId> completed_tasks;  ///< tasks this sync completed
  std::optional<SyncError> error;
  std::chrono::milliseconds took{0};
};

/// Why a sync did not start.
enum class SyncRefusal {
  kNoAccount,       ///< no dialer account is configured
  kTaskNotFound,    ///< no task with this id
  kNoJobGroup,      ///< the task has no job_group_id
  kAlreadyRunning,  ///< a sync of this job group is running in this process
};

using SyncOutcome = std::variant<SyncReport, SyncRefusal>;

/// What one run of the periodic puller did.
struct PullReport {
  bool ran = false;  ///< false when another instance holds the puller's lease
  std::int64_t job_groups = 0;
  std::int64_t failed = 0;
};

/// Pulls call results from the dialer, page by page, into the same ingestion path as pushes.
/// Each page's records and the job group's new cursor commit in one transaction, so a sync cut
/// anywhere resumes at the first page not stored, and a page is never held beyond its turn
/// (memory stays bounded whatever the size of the group). Dialer faults never throw: they end
/// the sync, are logged and are recorded on the job group's tasks (`GET /tasks/{id}` `sync`).
class SyncService {
 public:
  /// `source` may be null: no dialer account is configured, and every sync is refused.
  SyncService(store_api::Store& store, const Clock& clock, IngestService& ingest,
              dialers::DialerSource* source, SyncOptions options,
              std::shared_ptr<spdlog::logger> log, std::string holder);

  [[nodiscard]] bool configured() const { return source_ != nullptr; }

  /// Syncs the job group of the task.
  SyncOutcome sync_task(domain::TaskId task_id);
  /// Syncs one job group (its records go to the task the job group and phone name, as pushes).
  SyncOutcome sync_job_group(const std::string& job_group_id);
  /// The periodic pull: every job group of a calling task, one instance at a time (a lease).
  PullReport pull_once();
  /// Ends running syncs after their current page and makes later ones stop at once.
  void stop();

 private:
  SyncReport run(const std::string& job_group_id);
  /// Fetches one page, retrying throttled answers with exponential backoff and jitter.
  dialers::FetchOutcome fetch(const std::string& job_group_id, const std::string& cursor,
                              SyncReport& report);
  /// Waits `delay` unless stop() comes first; false when stopping.
  bool pause(std::chrono::milliseconds delay);
  void store_page(const std::string& job_group_id, const std::optional<std::string>& cursor,
                  const dialers::ResultPage& page, SyncReport& report);

  store_api::Store& store_;
  const Clock& clock_;
  IngestService& ingest_;
  dialers::DialerSource* source_;
  SyncOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::string holder_;

  std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::set<std::string> running_;  ///< job groups being synced in this process
};

}  // namespace dialtrack::app
