#include "app/recount_service.hpp"

#include <map>

#include "app/transactions.hpp"

namespace dialtrack::app {

RecountService::RecountService(store_api::Store& store, const Clock& clock,
                               CompletionService& completion, std::shared_ptr<spdlog::logger> log,
                               std::chrono::milliseconds max_future_skew)
    : store_(store),
      clock_(clock),
      completion_(completion),
      log_(std::move(log)),
      max_future_skew_(max_future_skew) {}

void RecountService::find_future_stamped(std::optional<domain::TaskId> task_id,
                                         RecountReport& report) {
  constexpr std::int64_t kPage = 1000;
  constexpr std::size_t kExamples = 3;
  report.future_after = clock_.now() + max_future_skew_;
  std::map<domain::TaskId, FutureStampedRecords> by_task;
  std::int64_t after = 0;
  for (;;) {
    auto page = run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
      return tx.records().records_stamped_after(report.future_after, task_id, after, kPage);
    });
    for (auto& [record_id, record] : page) {
      auto& found = by_task[record.task_id];
      found.task_id = record.task_id;
      ++found.records;
      if (found.examples.size() < kExamples) {
        found.examples.push_back(std::move(record));
      }
    }
    if (static_cast<std::int64_t>(page.size()) < kPage) {
      break;
    }
    after = page.back().first;
  }
  for (auto& [id, found] : by_task) {
    report.future_stamped.push_back(std::move(found));
  }
}

RecountReport RecountService::recount(std::optional<domain::TaskId> task_id, bool repair) {
  constexpr std::int64_t kPage = 500;
  RecountReport report;
  domain::TaskId after = 0;
  for (;;) {
    const auto page =
        run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
          return tx.tasks().audit_counters(task_id, after, kPage);
        });
    report.tasks_checked += static_cast<std::int64_t>(page.size());
    for (const auto& audit : page) {
      if (audit.drifted()) {
        report.drifted.push_back(audit);
      }
      if (audit.shared_keys > 0) {
        report.shared_keys.emplace_back(audit.task_id, audit.shared_keys);
      }
    }
    if (task_id || static_cast<std::int64_t>(page.size()) < kPage) {
      break;
    }
    after = page.back().task_id;
  }
  find_future_stamped(task_id, report);
  if (!repair) {
    return report;
  }
  for (const auto& audit : report.drifted) {
    // Repairing recomputes inside the write transaction, so records pushed since the audit count.
    // The aggregates first: the leads' attempts they rebuild decide the leads' states, which
    // the counters' repair sets again.
    run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
      if (audit.report_drifted()) {
        tx.reports().rebuild_report_stats(audit.task_id);
      }
      if (audit.drifted()) {
        tx.tasks().repair_counters(audit.task_id, clock_.now());
      }
    });
    if (audit.counters_drifted()) {
      log_->warn(
          "task {} counters repaired: total_calls {} -> {}, connected_calls {} -> {}, "
          "settled_calls {} -> {}, unreachable {} -> {}, final attempts {} -> {}, records {} -> "
          "{}",
          audit.task_id, audit.total_calls, audit.actual_total_calls, audit.connected_calls,
          audit.actual_connected_calls, audit.settled_calls, audit.actual_settled_calls,
          audit.unreachable_calls, audit.actual_unreachable_calls, audit.final_attempts,
          audit.actual_final_attempts, audit.record_count, audit.actual_record_count);
    }
    if (audit.report_drifted()) {
      log_->warn("task {} report aggregates rebuilt: calls {}, attempts {}, records {}",
                 audit.task_id, audit.report_calls, audit.lead_attempts, audit.actual_record_count);
    }
    const auto checked = completion_.check(audit.task_id, domain::reason::kRecount);
    if (checked && checked->completed_now) {
      report.completed.push_back(audit.task_id);
    }
  }
  report.repaired = true;
  return report;
}

}  // namespace dialtrack::app
