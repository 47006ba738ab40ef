#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/clock.hpp"
#include "domain/types.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

/// Why a task operation did not happen; `http/` maps each to a status.
enum class TaskFailure {
  kNotFound,
  kDeleted,    ///< the task is deleted and never changes again
  kWrongState  ///< the state machine does not allow it from the current state
};

/// A task operation's answer: the value or the reason it was refused.
template <typename T>
using TaskOutcome = std::variant<T, TaskFailure>;

struct NewTask {
  std::string name;
  std::optional<std::string> job_group_id;
  std::vector<domain::Lead> leads;
};

struct LeadsAdded {
  std::int64_t added = 0;
  std::int64_t duplicates = 0;
  std::int64_t total_calls = 0;
};

/// Creating, listing, starting, deleting tasks and adding their leads.
class TaskService {
 public:
  TaskService(store_api::Store& store, const Clock& clock, std::shared_ptr<spdlog::logger> log);

  domain::Task create(const NewTask& task);
  std::optional<domain::Task> get(domain::TaskId task_id);
  store_api::TaskPage list(const store_api::TaskListQuery& query);
  /// Adds leads whose phone is new to the task; reopens a completed task (3 -> 2).
  TaskOutcome<LeadsAdded> add_leads(domain::TaskId task_id, const std::vector<domain::Lead>& leads);
  /// 1 -> 2; idempotent on 2; refused on 3 and 4. Sets the job group when one is given.
  TaskOutcome<domain::Task> start(domain::TaskId task_id,
                                  const std::optional<std::string>& job_group_id);
  /// any -> 4; idempotent.
  TaskOutcome<domain::Task> remove(domain::TaskId task_id);
  TaskOutcome<std::vector<domain::Transition>> history(domain::TaskId task_id);
  /// The task's last pull from the dialer; empty when it was never synced.
  std::optional<store_api::TaskSyncState> sync_state(domain::TaskId task_id);

 private:
  store_api::Store& store_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace dialtrack::app
