#include "app/sweep_service.hpp"

#include "app/transactions.hpp"
#include "domain/task_rules.hpp"

namespace dialtrack::app {

namespace {
constexpr std::string_view kLease = "sweep";
constexpr std::chrono::minutes kLeaseTtl{5};
constexpr std::int64_t kPage = 500;
}  // namespace

SweepService::SweepService(store_api::Store& store, const Clock& clock,
                           CompletionService& completion, std::shared_ptr<spdlog::logger> log,
                           std::string holder, std::int64_t max_tasks)
    : store_(store),
      clock_(clock),
      completion_(completion),
      log_(std::move(log)),
      holder_(std::move(holder)),
      max_tasks_(max_tasks) {}

SweepReport SweepService::run_once() {
  const auto started = std::chrono::steady_clock::now();
  SweepReport report;
  const bool leased =
      run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
        return tx.leases().acquire_lease(kLease, holder_, clock_.now(), kLeaseTtl);
      });
  if (!leased) {
    log_->debug("sweep skipped: another instance holds the sweep lease");
    return report;
  }
  report.ran = true;
  domain::TaskId after = 0;
  while (report.checked < max_tasks_) {
    const auto limit = std::min(kPage, max_tasks_ - report.checked);
    const auto tasks = run_transaction(
        store_, store_api::TxMode::kRead,
        [&](store_api::Transaction& tx) { return tx.tasks().calling_tasks(after, limit); });
    for (const auto& task : tasks) {
      ++report.checked;
      if (task.counters_say_complete()) {
        const auto checked = completion_.check(task.task_id, domain::reason::kSweep);
        if (checked && checked->completed_now) {
          ++report.completed;
        }
      }
    }
    if (static_cast<std::int64_t>(tasks.size()) < limit) {
      break;
    }
    after = tasks.back().task_id;
  }
  run_transaction(store_, store_api::TxMode::kWrite,
                  [&](store_api::Transaction& tx) { tx.leases().release_lease(kLease, holder_); });
  report.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log_->info("sweep: {} calling tasks checked, {} completed, {} ms", report.checked,
             report.completed, report.took.count());
  return report;
}

}  // namespace dialtrack::app
