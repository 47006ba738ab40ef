#include "app/task_service.hpp"

#include <span>
#include <unordered_set>

#include "app/transactions.hpp"
#include "domain/task_rules.hpp"
#include "domain/validation.hpp"

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

/// The change that moves the task where `rule` of the state machine says, for `reason`, and
/// refuses nothing.
auto move_by(std::optional<TaskType> (*rule)(TaskType), std::string_view reason) {
  return [rule, reason](store_api::Transaction& tx, const Task& task, domain::Timestamp now,
                        std::vector<AppliedTransition>& applied) -> std::optional<TaskFailure> {
    move_task(tx, task, rule(task.task_type), reason, now, applied);
    return std::nullopt;
  };
}

}  // namespace

TaskService::TaskService(store_api::Store& store, const Clock& clock,
                         std::shared_ptr<spdlog::logger> log, const domain::PhoneKeys& phones,
                         domain::CompletionPolicy default_completion)
    : store_(store),
      clock_(clock),
      log_(std::move(log)),
      phones_(phones),
      default_completion_(std::move(default_completion)) {
  default_completion_.normalize();
}

void TaskService::announce(TaskId task_id) const {
  if (changes_ != nullptr) {
    changes_->changed(std::span(&task_id, 1));
  }
}

void TaskService::key(std::vector<domain::Lead>& leads) const {
  for (auto& lead : leads) {
    lead.phone_key = phones_.key(lead.phone);
  }
}

Task TaskService::create(NewTask task) {
  const auto now = clock_.now();
  store_api::NewTaskRow row{task.name, task.job_group_id,
                            task.completion.value_or(default_completion_), std::nullopt};
  row.completion.normalize();
  key(task.leads);
  const auto& leads = task.leads;
  auto created =
      run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
        const TaskId id = tx.tasks().insert_task(row, now);
        tx.leads().insert_leads(id, leads, now);
        return *tx.tasks().find_task(id);
      });
  log_->info("task {} created name=\"{}\" leads={}", created.task_id, created.name,
             created.total_calls);
  announce(created.task_id);
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

TaskOutcome<LeadsAdded> TaskService::add_leads(TaskId task_id, std::vector<domain::Lead> leads) {
  const auto now = clock_.now();
  key(leads);
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
  if (std::holds_alternative<LeadsAdded>(outcome)) {
    announce(task_id);
  }
  return outcome;
}

TaskOutcome<Task> TaskService::change_task(TaskId task_id, bool deleted_too,
                                           const TaskChange& change) {
  const auto now = clock_.now();
  std::vector<AppliedTransition> applied;
  auto outcome = run_transaction(
      store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) -> TaskOutcome<Task> {
        applied.clear();
        auto found = live_task(tx, task_id);
        if (deleted_too && std::holds_alternative<TaskFailure>(found) &&
            std::get<TaskFailure>(found) == TaskFailure::kDeleted) {
          found = *tx.tasks().find_task(task_id);
        }
        if (const auto* failure = std::get_if<TaskFailure>(&found)) {
          return *failure;
        }
        if (const auto refused = change(tx, std::get<Task>(found), now, applied)) {
          return *refused;
        }
        return *tx.tasks().find_task(task_id);
      });
  log_transitions(*log_, applied);
  if (std::holds_alternative<Task>(outcome)) {
    announce(task_id);
  }
  return outcome;
}

TaskOutcome<Task> TaskService::start(TaskId task_id,
                                     const std::optional<std::string>& job_group_id) {
  return change_task(task_id, false,
                     [&](store_api::Transaction& tx, const Task& task, domain::Timestamp now,
                         std::vector<AppliedTransition>& applied) -> std::optional<TaskFailure> {
                       if (task.task_type == TaskType::kCompleted) {
                         return TaskFailure::kWrongState;
                       }
                       if (job_group_id && job_group_id != task.job_group_id) {
                         tx.tasks().set_job_group(task_id, *job_group_id, now);
                       }
                       move_task(tx, task, domain::transitions::on_start(task.task_type),
                                 domain::reason::kApiStart, now, applied);
                       return std::nullopt;
                     });
}

TaskOutcome<Task> TaskService::remove(TaskId task_id) {
  return change_task(task_id, true,
                     move_by(domain::transitions::on_delete, domain::reason::kApiDelete));
}

TaskOutcome<Task> TaskService::finish(TaskId task_id) {
  return change_task(task_id, false,
                     move_by(domain::transitions::on_finish, domain::reason::kManualFinish));
}

TaskOutcome<Task> TaskService::set_completion(TaskId task_id, domain::CompletionPolicy policy) {
  policy.normalize();
  auto outcome =
      change_task(task_id, false,
                  [&](store_api::Transaction& tx, const Task& task, domain::Timestamp now,
                      std::vector<AppliedTransition>& applied) -> std::optional<TaskFailure> {
                    if (task.task_type == TaskType::kCompleted) {
                      return TaskFailure::kWrongState;
                    }
                    tx.tasks().set_completion(task_id, policy, now);
                    tx.leads().resettle_task(task_id, now);
                    if (task.task_type == TaskType::kCalling &&
                        tx.tasks().complete_if_counters_full(
                            task_id, domain::reason::kCompletionChanged, now)) {
                      applied.push_back({task_id, TaskType::kCalling, TaskType::kCompleted,
                                         policy.until == domain::CompletionUntil::kAllSettled
                                             ? domain::reason::kAllSettled
                                             : domain::reason::kCompletionChanged});
                    }
                    return std::nullopt;
                  });
  if (const auto* task = std::get_if<Task>(&outcome)) {
    log_->info("task {} completion policy: until={} max_attempts={} final_statuses={}", task_id,
               domain::to_string(task->completion.until),
               task->completion.max_attempts ? std::to_string(*task->completion.max_attempts)
                                             : std::string("none"),
               task->completion.final_statuses.size());
  }
  return outcome;
}

TaskOutcome<Task> TaskService::redial(TaskId task_id, const Redial& redial) {
  constexpr std::size_t kNameLimit = 200;
  const auto now = clock_.now();
  std::vector<domain::LeadState> states = redial.states;
  if (states.empty()) {
    states = {domain::LeadState::kPending, domain::LeadState::kUnreachable,
              domain::LeadState::kExhausted};
  }
  std::int64_t copied = 0;
  auto outcome = run_transaction(
      store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) -> TaskOutcome<Task> {
        auto found = live_task(tx, task_id);
        if (const auto* failure = std::get_if<TaskFailure>(&found)) {
          return *failure;
        }
        const auto& parent = std::get<Task>(found);
        std::string name = redial.name.value_or(parent.name + " (redial)");
        if (!redial.name && domain::utf8_length(name) > kNameLimit) {
          name = parent.name;
        }
        const store_api::NewTaskRow row{std::move(name), redial.job_group_id, parent.completion,
                                        task_id};
        const TaskId id = tx.tasks().insert_task(row, now);
        copied = tx.leads().copy_leads(task_id, id, states, now);
        return *tx.tasks().find_task(id);
      });
  if (const auto* task = std::get_if<Task>(&outcome)) {
    log_->info("task {} created by redial of task {}: {} leads", task->task_id, task_id, copied);
    announce(task->task_id);
  }
  return outcome;
}

TaskOutcome<store_api::LeadPage> TaskService::leads(TaskId task_id, const LeadListing& listing) {
  store_api::LeadQuery query;
  query.task_id = task_id;
  query.states = listing.states;
  query.page = listing.page;
  query.page_size = listing.page_size;
  if (listing.phone) {
    query.phone_key = phones_.key(*listing.phone);
  }
  return run_transaction(store_, store_api::TxMode::kRead,
                         [&](store_api::Transaction& tx) -> TaskOutcome<store_api::LeadPage> {
                           if (!tx.tasks().find_task(task_id)) {
                             return TaskFailure::kNotFound;
                           }
                           return tx.leads().list_leads(query);
                         });
}

TaskOutcome<LeadDetail> TaskService::lead(TaskId task_id, std::string_view phone) {
  store_api::LeadQuery query;
  query.task_id = task_id;
  query.phone_key = phones_.key(phone);
  query.page_size = 1;
  return run_transaction(store_, store_api::TxMode::kRead,
                         [&](store_api::Transaction& tx) -> TaskOutcome<LeadDetail> {
                           if (!tx.tasks().find_task(task_id)) {
                             return TaskFailure::kNotFound;
                           }
                           auto page = tx.leads().list_leads(query);
                           if (page.items.empty()) {
                             return TaskFailure::kLeadNotFound;
                           }
                           LeadDetail detail{std::move(page.items.front()), {}};
                           detail.records = tx.records().lead_records(task_id, detail.lead.lead_id);
                           return detail;
                         });
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
