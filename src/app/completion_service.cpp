#include "app/completion_service.hpp"

#include <span>

#include "app/transactions.hpp"
#include "domain/task_rules.hpp"

namespace dialtrack::app {

using domain::TaskType;

namespace {

/// What one read that never blocks found about a task (CompletionService's peeks).
enum class NonBlockingRead { kUnknown, kFound, kWorker };

/// Finds the task on a read that never blocks and, when its counters leave a check nothing to
/// write, runs `then(tx, task)` in the same read. kWorker when a worker must answer instead:
/// the check writes (2 -> 3), the store has no such reads, or the database was busy. `mode`:
/// kSingleRead when `then` reads nothing (the task's one statement is the whole read).
template <typename Then>
NonBlockingRead read_without_blocking(store_api::Store& store, store_api::TxMode mode,
                                      domain::TaskId task_id, Then then) {
  try {
    auto tx = store.begin_nonblocking_read(mode);
    if (!tx) {
      return NonBlockingRead::kWorker;
    }
    auto task = tx->tasks().find_task(task_id);
    // The write path, exactly as `check` takes it, when the counters say complete.
    const bool writes = task && domain::transitions::on_check(*task);
    if (task && !writes) {
      then(*tx, *task);
    }
    tx->commit();
    if (!task) {
      return NonBlockingRead::kUnknown;
    }
    return writes ? NonBlockingRead::kWorker : NonBlockingRead::kFound;
  } catch (const store_api::StoreUnavailable&) {
    return NonBlockingRead::kWorker;  // busy: a worker waits for it instead
  }
}

}  // namespace

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
  Peek out;
  // One statement, the task's: no BEGIN and COMMIT around it.
  const auto read = read_without_blocking(store_, store_api::TxMode::kSingleRead, task_id,
                                          [&](store_api::Transaction&, domain::Task& task) {
                                            out.result = CheckResult{std::move(task), false};
                                          });
  out.answered = read != NonBlockingRead::kWorker;
  return out;
}

CompletionService::FollowupPeek CompletionService::followup_without_blocking(domain::TaskId task_id,
                                                                             std::int64_t page,
                                                                             std::int64_t page_size,
                                                                             FollowupVisitor& out) {
  // The task and its page: two statements, one snapshot.
  const auto read =
      read_without_blocking(store_, store_api::TxMode::kRead, task_id,
                            [&](store_api::Transaction& tx, domain::Task& task) {
                              out.checked(CheckResult{std::move(task), false});
                              tx.records().visit_task_records(task_id, page, page_size, out);
                            });
  return {read != NonBlockingRead::kWorker, read == NonBlockingRead::kFound};
}

std::optional<FollowupResult> CompletionService::followup(domain::TaskId task_id, std::int64_t page,
                                                          std::int64_t page_size) {
  auto checked = check(task_id, domain::reason::kFollowupQuery);
  if (!checked) {
    return std::nullopt;
  }
  // The page and its total are one read (RecordStore::task_records): no BEGIN and COMMIT.
  auto records =
      run_transaction(store_, store_api::TxMode::kSingleRead, [&](store_api::Transaction& tx) {
        return tx.records().task_records(task_id, page, page_size);
      });
  return FollowupResult{std::move(*checked), std::move(records)};
}

}  // namespace dialtrack::app
