#include "app/task_service.hpp"

#include <unordered_set>

#include "app/transactions.hpp"
#include "domain/task_rules.hpp"

namespace dialtrack::app {

using domain::Task;
using domain::TaskId;
using domain::TaskType;

TaskService::TaskService(storage::Store& store, const Clock& clock,
                         std::shared_ptr<spdlog::logger> log)
    : store_(store), clock_(clock), log_(std::move(log)) {}

Task TaskService::create(const NewTask& task) {
  const auto now = clock_.now();
  auto created = run_transaction(store_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    const TaskId id = tx.insert_task(task.name, task.job_group_id, now);
    tx.insert_leads(id, task.leads, now);
    return *tx.find_task(id);
  });
  log_->info("task {} created name=\"{}\" leads={}", created.task_id, created.name,
             created.total_calls);
  return created;
}

std::optional<Task> TaskService::get(TaskId task_id) {
  return run_transaction(store_, storage::TxMode::kRead,
                         [&](storage::Transaction& tx) { return tx.find_task(task_id); });
}

storage::TaskPage TaskService::list(const storage::TaskListQuery& query) {
  return run_transaction(store_, storage::TxMode::kRead,
                         [&](storage::Transaction& tx) { return tx.list_tasks(query); });
}

TaskOutcome<LeadsAdded> TaskService::add_leads(TaskId task_id,
                                               const std::vector<domain::Lead>& leads) {
  const auto now = clock_.now();
  std::vector<AppliedTransition> applied;
  auto outcome = run_transaction(
      store_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> TaskOutcome<LeadsAdded> {
        applied.clear();
        const auto task = tx.find_task(task_id);
        if (!task) {
          return TaskFailure::kNotFound;
        }
        if (task->task_type == TaskType::kDeleted) {
          return TaskFailure::kDeleted;
        }
        LeadsAdded result;
        result.added = tx.insert_leads(task_id, leads, now);
        result.duplicates = static_cast<std::int64_t>(leads.size()) - result.added;
        result.total_calls = task->total_calls + result.added;
        if (const auto to = domain::transitions::on_leads_added(task->task_type, result.added)) {
          if (tx.transition(task_id, task->task_type, *to, domain::reason::kLeadsAdded, now)) {
            applied.push_back({task_id, task->task_type, *to, domain::reason::kLeadsAdded});
          }
        }
        return result;
      });
  log_transitions(*log_, applied);
  return outcome;
}

TaskOutcome<Task> TaskService::start(TaskId task_id,
                                     const std::optional<std::string>& job_group_id) {
  const auto now = clock_.now();
  std::vector<AppliedTransition> applied;
  auto outcome = run_transaction(
      store_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> TaskOutcome<Task> {
        applied.clear();
        const auto task = tx.find_task(task_id);
        if (!task) {
          return TaskFailure::kNotFound;
        }
        if (task->task_type == TaskType::kDeleted) {
          return TaskFailure::kDeleted;
        }
        if (task->task_type == TaskType::kCompleted) {
          return TaskFailure::kWrongState;
        }
        if (job_group_id && job_group_id != task->job_group_id) {
          tx.set_job_group(task_id, *job_group_id, now);
        }
        if (const auto to = domain::transitions::on_start(task->task_type)) {
          if (tx.transition(task_id, task->task_type, *to, domain::reason::kApiStart, now)) {
            applied.push_back({task_id, task->task_type, *to, domain::reason::kApiStart});
          }
        }
        return *tx.find_task(task_id);
      });
  log_transitions(*log_, applied);
  return outcome;
}

TaskOutcome<Task> TaskService::remove(TaskId task_id) {
  const auto now = clock_.now();
  std::vector<AppliedTransition> applied;
  auto outcome = run_transaction(
      store_, storage::TxMode::kWrite, [&](storage::Transaction& tx) -> TaskOutcome<Task> {
        applied.clear();
        const auto task = tx.find_task(task_id);
        if (!task) {
          return TaskFailure::kNotFound;
        }
        if (const auto to = domain::transitions::on_delete(task->task_type)) {
          if (tx.transition(task_id, task->task_type, *to, domain::reason::kApiDelete, now)) {
            applied.push_back({task_id, task->task_type, *to, domain::reason::kApiDelete});
          }
        }
        return *tx.find_task(task_id);
      });
  log_transitions(*log_, applied);
  return outcome;
}

TaskOutcome<std::vector<domain::Transition>> TaskService::history(TaskId task_id) {
  return run_transaction(
      store_, storage::TxMode::kRead,
      [&](storage::Transaction& tx) -> TaskOutcome<std::vector<domain::Transition>> {
        if (!tx.find_task(task_id)) {
          return TaskFailure::kNotFound;
        }
        return tx.history(task_id);
      });
}

std::optional<storage::TaskSyncState> TaskService::sync_state(domain::TaskId task_id) {
  return run_transaction(store_, storage::TxMode::kRead,
                         [&](storage::Transaction& tx) { return tx.task_sync(task_id); });
}

}  // namespace dialtrack::app
