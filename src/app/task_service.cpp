#include "app/task_service.hpp"

#include <unordered_set>

#include "app/transactions.hpp"
#include "domain/task_rules.hpp"

namespace dialtrack::app {

using domain::Task;
using domain::TaskId;
using domain::TaskType;

namespace {

/// The task a change applies to; missing and deleted tasks are refused.
TaskOutcome<Task> live_task(store_api::Transaction& tx, TaskId task_id) {
  auto task = tx.tasks().find_task(task_id);
  if (!task) {
    return TaskFailure::kNotFound;
  }
  if (task->task_type == TaskType::kDeleted) {
    return TaskFailure::kDeleted;
  }
  return std::move(*task);
}

/// Moves the task where the state machine says (`to`, when it says anything), and notes the
/// move for the log when this transaction made it.
void move_task(store_api::Transaction& tx, const Task& task, std::optional<TaskType> to,
               std::string_view reason, domain::Timestamp now,
               std::vector<AppliedTransition>& applied) {
  if (to && tx.tasks().transition(task.task_id, task.task_type, *to, reason, now)) {
    applied.push_back({task.task_id, task.task_type, *to, reason});
  }
}

}  // namespace

TaskService::TaskService(store_api::Store& store, const Clock& clock,
                         std::shared_ptr<spdlog::logger> log)
    : store_(store), clock_(clock), log_(std::move(log)) {}

Task TaskService::create(const NewTask& task) {
  const auto now = clock_.now();
  auto created =
      run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
        const TaskId id = tx.tasks().insert_task(task.name, task.job_group_id, now);
        tx.leads().insert_leads(id, task.leads, now);
        return *tx.tasks().find_task(id);
      });
  log_->info("task {} created name=\"{}\" leads={}", created.task_id, created.name,
             created.total_calls);
  return created;
}

std::optional<Task> TaskService::get(TaskId task_id) {
  return run_transaction(store_, store_api::TxMode::kRead,
                         [&](store_api::Transaction& tx) { return tx.tasks().find_task(task_id); });
}

store_api::TaskPage TaskService::list(const store_api::TaskListQuery& query) {
  return run_transaction(store_, store_api::TxMode::kRead,
                         [&](store_api::Transaction& tx) { return tx.tasks().list_tasks(query); });
}

TaskOutcome<LeadsAdded> TaskService::add_leads(TaskId task_id,
                                               const std::vector<domain::Lead>& leads) {
  const auto now = clock_.now();
  std::vector<AppliedTransition> applied;
  auto outcome = run_transaction(
      store_, store_api::TxMode::kWrite,
      [&](store_api::Transaction& tx) -> TaskOutcome<LeadsAdded> {
        applied.clear();
        auto found = live_task(tx, task_id);
        if (const auto* failure = std::get_if<TaskFailure>(&found)) {
          return *failure;
        }
        const auto& task = std::get<Task>(found);
        LeadsAdded result;
        result.added = tx.leads().insert_leads(task_id, leads, now);
        result.duplicates = static_cast<std::int64_t>(leads.size()) - result.added;
        result.total_calls = task.total_calls + result.added;
        move_task(tx, task, domain::transitions::on_leads_added(task.task_type, result.added),
                  domain::reason::kLeadsAdded, now, applied);
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
      store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) -> TaskOutcome<Task> {
        applied.clear();
        auto found = live_task(tx, task_id);
        if (const auto* failure = std::get_if<TaskFailure>(&found)) {
          return *failure;
        }
        const auto& task = std::get<Task>(found);
        if (task.task_type == TaskType::kCompleted) {
          return TaskFailure::kWrongState;
        }
        if (job_group_id && job_group_id != task.job_group_id) {
          tx.tasks().set_job_group(task_id, *job_group_id, now);
        }
        move_task(tx, task, domain::transitions::on_start(task.task_type),
                  domain::reason::kApiStart, now, applied);
        return *tx.tasks().find_task(task_id);
      });
  log_transitions(*log_, applied);
  return outcome;
}

TaskOutcome<Task> TaskService::remove(TaskId task_id) {
  const auto now = clock_.now();
  std::vector<AppliedTransition> applied;
  auto outcome = run_transaction(
      store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) -> TaskOutcome<Task> {
        applied.clear();
        const auto task = tx.tasks().find_task(task_id);
        if (!task) {
          return TaskFailure::kNotFound;
        }
        move_task(tx, *task, domain::transitions::on_delete(task->task_type),
                  domain::reason::kApiDelete, now, applied);
        return *tx.tasks().find_task(task_id);
      });
  log_transitions(*log_, applied);
  return outcome;
}

TaskOutcome<std::vector<domain::Transition>> TaskService::history(TaskId task_id) {
  return run_transaction(
      store_, store_api::TxMode::kRead,
      [&](store_api::Transaction& tx) -> TaskOutcome<std::vector<domain::Transition>> {
        if (!tx.tasks().find_task(task_id)) {
          return TaskFailure::kNotFound;
        }
        return tx.tasks().history(task_id);
      });
}

std::optional<store_api::TaskSyncState> TaskService::sync_state(domain::TaskId task_id) {
  return run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
    return tx.cursors().task_sync(task_id);
  });
}

}  // namespace dialtrack::app
