#pragma once

#include <spdlog/logger.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/clock.hpp"
#include "app/ingest_counts.hpp"
#include "domain/call_status.hpp"
#include "domain/phone.hpp"
#include "domain/record_draft.hpp"
#include "domain/types.hpp"
#include "domain/validation.hpp"
#include "store_api/store.hpp"
#include "store_api/task_changes.hpp"

namespace dialtrack::app {

/// One call record pushed by the dialer, already validated (domain/record_draft.hpp).
using RecordInput = domain::RecordInput;

enum class RejectReason {
  kInvalidField,  ///< see `field`
  kTaskNotFound,  ///< no task with this task_id
  kLeadNotFound,  ///< the phone is not a lead of the task (or of the job group's tasks)
  kCallIdMoved,   ///< the call_id is stored for another task or phone
};

/// The reason's name in metrics and logs: invalid_field, task_not_found, lead_not_found,
/// call_id_moved.
std::string_view reject_reason_name(RejectReason reason);

struct Rejection {
  std::size_t index = 0;
  std::string call_id;
  RejectReason reason = RejectReason::kInvalidField;
  std::optional<domain::FieldError> field;
};

struct IngestResult : IngestCounts {
  std::vector<Rejection> rejected;
  std::vector<domain::TaskId> completed_tasks;
};

/// Stores a batch of call records in one transaction, keeping the leads' connected flags and
/// the tasks' counters in step, and completes the touched tasks whose every lead is connected
/// in that same transaction.
class IngestService {
 public:
  /// `max_future_skew`: how far past the clock a record's times may lie (`ingest.max_future_skew`).
  /// `phones` keys the records' phones (it must outlive the service).
  IngestService(store_api::Store& store, const Clock& clock, domain::StatusClassifier classifier,
                const domain::PhoneKeys& phones, std::shared_ptr<spdlog::logger> log,
                std::chrono::milliseconds max_future_skew = domain::kDefaultMaxFutureSkew);

  /// Valid records are stored even when others of the batch are rejected; rejections found
  /// while decoding are passed in and returned merged, in index order. A record with a time
  /// beyond `max_future_skew` from the clock is rejected here (domain::future_time_error),
  /// whichever way it came: one skewed clock must not make every later true update stale.
  /// `in_transaction`, when given, runs last inside the write transaction of the records (a
  /// pull from a dialer advances its cursor there, so records and cursor commit together); if
  /// it throws, nothing of the batch is kept and the exception propagates.
  IngestResult ingest(const std::vector<RecordInput>& records, std::vector<Rejection> rejected,
                      const std::function<void(store_api::Transaction&)>& in_transaction = {});

  [[nodiscard]] const domain::StatusClassifier& classifier() const { return classifier_; }

  /// Told of every rejected record, by reason (how many of a batch): the metrics. Set once,
  /// before records arrive.
  using RejectionObserver = std::function<void(RejectReason, std::int64_t)>;
  void set_rejection_observer(RejectionObserver observer) { observer_ = std::move(observer); }
  /// Told, after each commit, which tasks the batch changed (the live stream). Set once, before
  /// records arrive.
  void set_task_changes(store_api::TaskChanges& changes) { changes_ = &changes; }
  /// Counts rejected records (the observer) and logs them, one line per 10 s at most with the
  /// count by reason and an example: what `ingest` does with its rejections, for callers that
  /// reject a whole batch before it gets there.
  void note_rejections(const std::vector<Rejection>& rejected);

 private:
  store_api::Store& store_;
  const Clock& clock_;
  domain::StatusClassifier classifier_;
  const domain::PhoneKeys& phones_;
  std::shared_ptr<spdlog::logger> log_;
  std::chrono::milliseconds max_future_skew_;
  /// When a skewed record was last logged (ms since the epoch): one line per 10 s at most.
  std::atomic<std::int64_t> skew_logged_at_{0};
  RejectionObserver observer_;
  store_api::TaskChanges* changes_ = nullptr;
  /// When rejections were last logged, and how many by reason since (not logged yet).
  std::atomic<std::int64_t> rejections_logged_at_{0};
  std::array<std::atomic<std::int64_t>, 4> unlogged_{};
};

}  // namespace dialtrack::app
