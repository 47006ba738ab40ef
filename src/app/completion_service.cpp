#include "app/completion_service.hpp"

#include <span>

#include "app/transactions.hpp"
#include "domain/task_rules.hpp"

namespace dialtrack::app {

using domain::TaskType;

CompletionService::CompletionService(store_api::Store& store, const Clock& clock,
                                     std::shared_ptr<spdlog::logger> log)
    : store_(store), clock_(clock), log_(std::move(log)) {}

std::optional<CheckResult> CompletionService::check(domain::TaskId task_id,
                                                    std::string_view reason) {
  // Most checks find nothing to do: answer them from one read statement, which runs beside
  // writers, and take the write path only when the counters say the task is complete.
  auto task =
      run_transaction(store_, store_api::TxMode::kSingleRead,
                      [&](store_api::Transaction& tx) { return tx.tasks().find_task(task_id); });
  if (!task) {
    return std::nullopt;
  }
  if (!domain::transitions::on_check(*task)) {
    return CheckResult{std::move(*task), false};
  }
  const auto now = clock_.now();
  auto result = run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
    const bool completed = tx.tasks().complete_if_counters_full(task_id, reason, now);
    return CheckResult{*tx.tasks().find_task(task_id), completed};
  });
  if (result.completed_now) {
    // The stored reason: `all_settled` for a task under that policy.
    log_transitions(*log_, {{task_id, TaskType::kCalling, TaskType::kCompleted,
                             result.task.completion_reason}});
    if (changes_ != nullptr) {
      changes_->changed(std::span(&task_id, 1));
    }
  }
  return result;
}

CompletionService::Peek CompletionService::check_without_blocking(domain::TaskId task_id) {
  std::optional<domain::Task> task;
  try {
    auto tx = store_.begin_nonblocking_read();
    if (!tx) {
      return {};
    }
    task = tx->tasks().find_task(task_id);
    tx->commit();
  } catch (const store_api::StoreUnavailable&) {
    return {};  // busy: a worker waits for it instead
  }
  if (!task) {
    return {true, std::nullopt};
  }
  if (domain::transitions::on_check(*task)) {
    return {};  // the write path, exactly as `check` takes it
  }
  return {true, CheckResult{std::move(*task), false}};
}

std::optional<FollowupResult> CompletionService::followup(domain::TaskId task_id, std::int64_t page,
                                                          std::int64_t page_size) {
  auto checked = check(task_id, domain::reason::kFollowupQuery);
  if (!checked) {
    return std::nullopt;
  }
  auto records = run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
    return tx.records().task_records(task_id, page, page_size);
  });
  return FollowupResult{std::move(*checked), std::move(records)};
}

}  // namespace dialtrack::app
