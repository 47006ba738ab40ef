#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <vector>

#include "app/clock.hpp"
#include "app/completion_service.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

struct RecountReport {
  std::int64_t tasks_checked = 0;
  std::vector<store_api::CounterAudit> drifted;  ///< as found, before any repair
  bool repaired = false;
  std::vector<domain::TaskId> completed;  ///< tasks the repair let complete
};

/// `dialtrack recount`: recomputes every counter from the leads and records, checks that the
/// report's aggregates count every record once (store_api::CounterAudit), reports drift and,
/// when asked, repairs it (counters recomputed, aggregates rebuilt from the records). A
/// maintenance scan, never on the request path.
class RecountService {
 public:
  RecountService(store_api::Store& store, const Clock& clock, CompletionService& completion,
                 std::shared_ptr<spdlog::logger> log);

  /// One task, or every task when `task_id` is empty (in pages, one read transaction each).
  RecountReport recount(std::optional<domain::TaskId> task_id, bool repair);

 private:
  store_api::Store& store_;
  const Clock& clock_;
  CompletionService& completion_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace dialtrack::app
