#include "app/sync_service.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "app/transactions.hpp"
#include "domain/call_status.hpp"
#include "domain/enum_names.hpp"
#include "domain/phone.hpp"
#include "domain/time.hpp"

namespace dialtrack::app {

namespace {

constexpr std::string_view kPullLease = "dialer_pull";
constexpr std::chrono::minutes kPullLeaseTtl{10};
constexpr std::int64_t kGroupsPerRead = 500;
constexpr std::size_t kMaxCallId = 128;

/// Another sync of the job group stored a newer cursor while this one fetched: the page's
/// transaction is rolled back and this sync stops (the other one carries on from there).
class CursorMoved : public std::runtime_error {
 public:
  CursorMoved() : std::runtime_error("cursor moved") {}
};

/// Turns one dialer attempt into a record of the push path, or the reason it cannot be one.
std::variant<RecordInput, Rejection> to_record(const dialers::CallAttempt& a, std::size_t index,
                                               const std::string& job_group_id) {
  auto reject = [&](std::string field, domain::Problem problem, long long limit = 0) {
    return Rejection{index, a.call_id, RejectReason::kInvalidField,
                     domain::FieldError{std::move(field), problem, {}, limit}};
  };
  if (a.call_id.empty()) {
    return reject("call_id", domain::Problem::kRequired);
  }
  if (a.call_id.size() > kMaxCallId) {
    return reject("call_id", domain::Problem::kTooLong, kMaxCallId);
  }
  if (!domain::is_valid_call_status(a.call_status)) {
    return reject("call_status", domain::Problem::kInvalidStatus);
  }
  auto phone = domain::normalize_phone(a.phone);
  if (!phone) {
    return reject("phone", domain::Problem::kInvalidPhone);
  }
  // As validate() refuses for pushes and imports; times past the clock are ingestion's check.
  for (const auto& [field, at] :
       {std::pair{"started_at", a.started_at}, std::pair{"ended_at", a.ended_at},
        std::pair{"event_time", a.event_time}}) {
    if (at && *at < domain::kEarliestCallTime) {
      auto rejection = reject(field, domain::Problem::kTimeTooEarly);
      rejection.field->expected = domain::format_timestamp(*at);
      return rejection;
    }
  }
  RecordInput r;
  r.index = index;
  r.call_id = a.call_id;
  r.phone = std::move(*phone);
  r.fields.call_status = a.call_status;
  // Records go where a push with this job group and phone would go.
  r.fields.job_group_id = job_group_id;
  r.fields.job_id = a.job_id;
  r.fields.started_at = a.started_at;
  r.fields.ended_at = a.ended_at;
  r.fields.duration = a.duration;
  r.fields.event_time = a.event_time;
  return r;
}

std::chrono::milliseconds backoff(const SyncOptions& options, int retry,
                                  std::optional<std::chrono::milliseconds> asked) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  auto ceiling = options.retry_initial;
  for (int i = 1; i < retry && ceiling < options.retry_max; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, options.retry_max);
  // Jitter: somewhere in the upper half, so instances throttled together spread out.
  std::uniform_int_distribution<std::int64_t> pick(ceiling.count() / 2, ceiling.count());
  std::chrono::milliseconds wait{pick(random)};
  if (asked) {
    wait = std::max(wait, std::min(*asked, options.retry_max));
  }
  return wait;
}

}  // namespace

std::string_view sync_error_name(SyncErrorKind kind) {
  // The dialer's failures (the kinds before kConcurrentSync) are named as dialers names them.
  constexpr std::array<domain::EnumName<SyncErrorKind>, 3> kOurNames{{
      {SyncErrorKind::kConcurrentSync, "concurrent_sync"},
      {SyncErrorKind::kStorage, "storage"},
      {SyncErrorKind::kStopped, "stopped"},
  }};
  static_assert(
      domain::names_each_value(kOurNames, SyncErrorKind::kConcurrentSync, SyncErrorKind::kStopped));
  static_assert(static_cast<int>(SyncErrorKind::kConcurrentSync) ==
                static_cast<int>(dialers::FetchFailure::kServer) + 1);
  if (kind >= SyncErrorKind::kThrottled && kind < SyncErrorKind::kConcurrentSync) {
    return dialers::failure_name(static_cast<dialers::FetchFailure>(kind));
  }
  return domain::name_of(kOurNames, kind, "storage");
}

SyncService::SyncService(store_api::Store& store, const Clock& clock, IngestService& ingest,
                         dialers::DialerSource* source, SyncOptions options,
                         std::shared_ptr<spdlog::logger> log, std::string holder)
    : store_(store),
      clock_(clock),
      ingest_(ingest),
      source_(source),
      options_(options),
      log_(std::move(log)),
      holder_(std::move(holder)) {}

void SyncService::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
}

bool SyncService::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stop_signal_.wait_for(lock, delay, [this] { return stopping_; });
}

SyncOutcome SyncService::sync_task(domain::TaskId task_id) {
  const auto task =
      run_transaction(store_, store_api::TxMode::kRead,
                      [&](store_api::Transaction& tx) { return tx.tasks().find_task(task_id); });
  if (!task) {
    return SyncRefusal::kTaskNotFound;
  }
  if (!task->job_group_id || task->job_group_id->empty()) {
    return SyncRefusal::kNoJobGroup;
  }
  return sync_job_group(*task->job_group_id);
}

SyncOutcome SyncService::sync_job_group(const std::string& job_group_id) {
  if (source_ == nullptr) {
    return SyncRefusal::kNoAccount;
  }
  {
    const std::lock_guard lock(mutex_);
    if (!running_.insert(job_group_id).second) {
      return SyncRefusal::kAlreadyRunning;
    }
  }
  SyncReport report;
  try {
    report = run(job_group_id);
  } catch (...) {
    const std::lock_guard lock(mutex_);
    running_.erase(job_group_id);
    throw;
  }
  const std::lock_guard lock(mutex_);
  running_.erase(job_group_id);
  return report;
}

dialers::FetchOutcome SyncService::fetch(const std::string& job_group_id, const std::string& cursor,
                                         SyncReport& report) {
  for (int attempt = 1;; ++attempt) {
    auto outcome = source_->fetch_page(job_group_id, cursor);
    const auto* error = std::get_if<dialers::FetchError>(&outcome);
    if (error == nullptr || error->kind != dialers::FetchFailure::kThrottled ||
        attempt >= options_.max_attempts) {
      return outcome;
    }
    const auto wait = backoff(options_, attempt, error->retry_after);
    log_->info("dialer throttled the sync of job group {}; retry {} of {} in {} ms: {}",
               job_group_id, attempt, options_.max_attempts - 1, wait.count(), error->message);
    ++report.retries;
    if (!pause(wait)) {
      return outcome;
    }
  }
}

void SyncService::store_page(const std::string& job_group_id,
                             const std::optional<std::string>& cursor,
                             const dialers::ResultPage& page, SyncReport& report) {
  std::vector<RecordInput> records;
  std::vector<Rejection> rejected;
  records.reserve(page.attempts.size());
  for (std::size_t i = 0; i < page.attempts.size(); ++i) {
    auto converted = to_record(page.attempts[i], i, job_group_id);
    if (auto* r = std::get_if<RecordInput>(&converted)) {
      records.push_back(std::move(*r));
    } else {
      rejected.push_back(std::move(std::get<Rejection>(converted)));
    }
  }
  const auto account = source_->account();
  auto advance = [&](store_api::Transaction& tx) {
    if (!tx.cursors().advance_sync_cursor(account, job_group_id, cursor, page.next_cursor,
                                          clock_.now())) {
      throw CursorMoved();
    }
  };
  IngestResult result;
  if (records.empty()) {
    ingest_.note_rejections(rejected);
    result.rejected = std::move(rejected);
    run_transaction(store_, store_api::TxMode::kWrite, advance);
  } else {
    result = ingest_.ingest(records, std::move(rejected), advance);
  }
  ++report.pages;
  report.fetched += static_cast<std::int64_t>(page.attempts.size());
  static_cast<IngestCounts&>(report) += result;
  report.rejected += static_cast<std::int64_t>(result.rejected.size());
  report.completed_tasks.insert(report.completed_tasks.end(), result.completed_tasks.begin(),
                                result.completed_tasks.end());
  if (!result.rejected.empty()) {
    const auto& first = result.rejected.front();
    log_->warn(
        "sync of job group {}: {} call attempts of a page were not stored (no matching lead or a "
        "bad field), e.g. call_id {}",
        job_group_id, result.rejected.size(), first.call_id);
  }
}

SyncReport SyncService::run(const std::string& job_group_id) {
  const auto started = std::chrono::steady_clock::now();
  SyncReport report;
  report.job_group_id = job_group_id;
  const auto account = source_->account();
  try {
    auto stored =
        run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
          return tx.cursors().find_sync_cursor(account, job_group_id);
        });
    std::optional<std::string> cursor;
    if (stored) {
      cursor = std::move(stored->cursor);
    }
    for (;;) {
      {
        const std::lock_guard lock(mutex_);
        if (stopping_) {
          report.error = SyncError{SyncErrorKind::kStopped,
                                   "the service is shutting down; the next sync "
                                   "resumes from the last stored page"};
          break;
        }
      }
      auto outcome = fetch(job_group_id, cursor.value_or(""), report);
      if (const auto* error = std::get_if<dialers::FetchError>(&outcome)) {
        report.error = SyncError{sync_error_kind(error->kind), error->message};
        break;
      }
      const auto& page = std::get<dialers::ResultPage>(outcome);
      try {
        store_page(job_group_id, cursor, page, report);
      } catch (const CursorMoved&) {
        report.error = SyncError{SyncErrorKind::kConcurrentSync,
                                 "another sync of this job group stored a newer cursor first; "
                                 "this one stopped and the other carries on"};
        break;
      }
      cursor = page.next_cursor;
      if (page.last) {
        report.finished = true;
        break;
      }
    }
  } catch (const std::exception& e) {
    report.error = SyncError{SyncErrorKind::kStorage, e.what()};
  }
  report.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);

  std::optional<std::string> error_text;
  if (report.error) {
    error_text = std::string(sync_error_name(report.error->kind)) + ": " + report.error->message;
  }
  try {
    run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
      tx.cursors().record_sync(job_group_id, {clock_.now(), error_text, report.fetched});
    });
  } catch (const std::exception& e) {
    log_->error("sync of job group {}: cannot record its outcome on the tasks: {}", job_group_id,
                e.what());
  }
  if (report.error) {
    log_->warn(
        "sync of job group {} from {} stopped after {} pages ({} call attempts, {} new, {} "
        "updated): {}",
        job_group_id, account, report.pages, report.fetched, report.accepted, report.updated,
        *error_text);
  } else {
    log_->info(
        "sync of job group {} from {}: {} pages, {} call attempts ({} new, {} updated, {} "
        "unchanged, {} stale, {} rejected), {} retries, {} ms",
        job_group_id, account, report.pages, report.fetched, report.accepted, report.updated,
        report.unchanged, report.stale, report.rejected, report.retries, report.took.count());
  }
  return report;
}

PullReport SyncService::pull_once() {
  PullReport report;
  if (source_ == nullptr) {
    return report;
  }
  auto lease = [&] {
    return run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
      return tx.leases().acquire_lease(kPullLease, holder_, clock_.now(), kPullLeaseTtl);
    });
  };
  if (!lease()) {
    log_->debug("dialer pull skipped: another instance holds the pull lease");
    return report;
  }
  report.ran = true;
  std::string after;
  bool more = true;
  while (more) {
    const auto groups =
        run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
          return tx.cursors().calling_job_groups(after, kGroupsPerRead);
        });
    more = static_cast<std::int64_t>(groups.size()) == kGroupsPerRead;
    for (const auto& group : groups) {
      {
        const std::lock_guard lock(mutex_);
        if (stopping_) {
          more = false;
          break;
        }
      }
      // Renewed per job group: a long pull keeps it, a crashed puller's runs out.
      if (!lease()) {
        log_->warn("dialer pull stopped: the pull lease went to another instance");
        return report;
      }
      const auto outcome = sync_job_group(group);
      ++report.job_groups;
      if (const auto* r = std::get_if<SyncReport>(&outcome); r != nullptr && r->error) {
        ++report.failed;
      }
      after = group;
    }
  }
  run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
    tx.leases().release_lease(kPullLease, holder_);
  });
  if (report.job_groups > 0) {
    log_->info("dialer pull: {} job groups synced, {} with errors", report.job_groups,
               report.failed);
  }
  return report;
}

}  // namespace dialtrack::app
