#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "app/clock.hpp"
#include "app/completion_service.hpp"
#include "domain/record_draft.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

/// The call records of one task whose times lie further past the clock than ingestion allows
/// (`ingest.max_future_skew`): stored before ingestion refused such times, or since the clock
/// was set back. Until that time, a later true update of such a call is stale (its event_time
/// is older), so its lead may never connect.
struct FutureStampedRecords {
  domain::TaskId task_id = 0;
  std::int64_t records = 0;
  std::vector<domain::CallRecord> examples;  ///< the first few, in the order they were stored
};

struct RecountReport {
  std::int64_t tasks_checked = 0;
  std::vector<store_api::CounterAudit> drifted;  ///< as found, before any repair
  bool repaired = false;
  std::vector<domain::TaskId> completed;  ///< tasks the repair let complete
  /// Times later than this were looked for: the clock plus `ingest.max_future_skew`.
  domain::Timestamp future_after{};
  std::vector<FutureStampedRecords> future_stamped;  ///< by task id; left as they are
  /// Tasks with leads that share a phone key with an earlier lead (kept by the migration to
  /// phone keys; records find the earlier one), and how many; left as they are.
  std::vector<std::pair<domain::TaskId, std::int64_t>> shared_keys;
};

/// `dialtrack recount`: recomputes every counter from the leads and records, checks that the
/// report's aggregates count every record once (store_api::CounterAudit), reports drift and,
/// when asked, repairs it (counters recomputed, aggregates rebuilt from the records); and lists
/// the records stamped in the future (FutureStampedRecords), which no repair can date right. A
/// maintenance scan, never on the request path.
class RecountService {
 public:
  RecountService(store_api::Store& store, const Clock& clock, CompletionService& completion,
                 std::shared_ptr<spdlog::logger> log,
                 std::chrono::milliseconds max_future_skew = domain::kDefaultMaxFutureSkew);

  /// One task, or every task when `task_id` is empty (in pages, one read transaction each).
  RecountReport recount(std::optional<domain::TaskId> task_id, bool repair);

 private:
  store_api::Store& store_;
  const Clock& clock_;
  CompletionService& completion_;
  std::shared_ptr<spdlog::logger> log_;
  std::chrono::milliseconds max_future_skew_;

  void find_future_stamped(std::optional<domain::TaskId> task_id, RecountReport& report);
};

}  // namespace dialtrack::app
