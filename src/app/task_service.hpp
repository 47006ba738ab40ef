#pragma once

#include <spdlog/logger.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/clock.hpp"
#include "app/transactions.hpp"
#include "domain/phone.hpp"
#include "domain/types.hpp"
#include "store_api/store.hpp"
#include "store_api/task_changes.hpp"

namespace dialtrack::app {

/// Why a task operation did not happen; `http/` maps each to a status.
enum class TaskFailure {
  kNotFound,
  kLeadNotFound,  ///< the task exists; the phone is not one of its leads
  kDeleted,       ///< the task is deleted and never changes again
  kWrongState     ///< the state machine does not allow it from the current state
};

/// A task operation's answer: the value or the reason it was refused.
template <typename T>
using TaskOutcome = std::variant<T, TaskFailure>;

struct NewTask {
  std::string name;
  std::optional<std::string> job_group_id;
  std::vector<domain::Lead> leads;
  /// The task's completion policy; none: the configured default.
  std::optional<domain::CompletionPolicy> completion;
};

/// A redial: a new task with the leads of a task in some states.
struct Redial {
  std::optional<std::string> name;          ///< none: the parent's name and " (redial)"
  std::optional<std::string> job_group_id;  ///< none: none (the dialer's new job group)
  std::vector<domain::LeadState> states;    ///< none: every state but connected
};

/// A lead's attempts (GET /tasks/{id}/leads/{phone}).
struct LeadDetail {
  store_api::LeadView lead;
  std::vector<domain::CallRecord> records;
};

/// A page of leads: `phone`, when given, is normalised and found by its key.
struct LeadListing {
  std::vector<domain::LeadState> states;
  std::optional<std::string> phone;
  std::int64_t page = 1;
  std::int64_t page_size = 20;
};

struct LeadsAdded {
  std::int64_t added = 0;
  std::int64_t duplicates = 0;
  std::int64_t total_calls = 0;
};

/// Creating, listing, starting, deleting tasks and adding their leads.
class TaskService {
 public:
  /// `phones` keys the leads' phones (it must outlive the service); `default_completion` is the
  /// policy of tasks created without one.
  TaskService(store_api::Store& store, const Clock& clock, std::shared_ptr<spdlog::logger> log,
              const domain::PhoneKeys& phones, domain::CompletionPolicy default_completion = {});

  /// Takes the task by value: its leads get their keys in place (a 100,000-lead request is
  /// not copied).
  domain::Task create(NewTask task);
  std::optional<domain::Task> get(domain::TaskId task_id);
  store_api::TaskPage list(const store_api::TaskListQuery& query);
  /// Adds leads whose phone is new to the task; reopens a completed task (3 -> 2).
  TaskOutcome<LeadsAdded> add_leads(domain::TaskId task_id, std::vector<domain::Lead> leads);
  /// 1 -> 2; idempotent on 2; refused on 3 and 4. Sets the job group when one is given.
  TaskOutcome<domain::Task> start(domain::TaskId task_id,
                                  const std::optional<std::string>& job_group_id);
  /// any -> 4; idempotent.
  TaskOutcome<domain::Task> remove(domain::TaskId task_id);
  /// 1 or 2 -> 3 by hand (`manual_finish`); idempotent on 3; refused on 4.
  TaskOutcome<domain::Task> finish(domain::TaskId task_id);
  /// Changes the completion policy of a task in 1 or 2 (refused on 3 and 4), recomputes its
  /// leads' states and counters, and completes it when they now say so.
  TaskOutcome<domain::Task> set_completion(domain::TaskId task_id, domain::CompletionPolicy policy);
  /// A new task (201) with the leads of `task_id` in `redial.states`; the parent is unchanged.
  TaskOutcome<domain::Task> redial(domain::TaskId task_id, const Redial& redial);
  TaskOutcome<store_api::LeadPage> leads(domain::TaskId task_id, const LeadListing& listing);
  /// The lead with this phone (any form of it) and its attempts, oldest first.
  TaskOutcome<LeadDetail> lead(domain::TaskId task_id, std::string_view phone);
  TaskOutcome<std::vector<domain::Transition>> history(domain::TaskId task_id);
  /// The task's last pull from the dialer; empty when it was never synced.
  std::optional<store_api::TaskSyncState> sync_state(domain::TaskId task_id);

  /// Told, after each commit, of the task a change touched (the live stream). Set once, before
  /// requests arrive.
  void set_task_changes(store_api::TaskChanges& changes) { changes_ = &changes; }

 private:
  store_api::Store& store_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  const domain::PhoneKeys& phones_;
  domain::CompletionPolicy default_completion_;
  store_api::TaskChanges* changes_ = nullptr;

  /// Tells `changes_` that the task changed.
  void announce(domain::TaskId task_id) const;
  /// Gives each lead its phone key.
  void key(std::vector<domain::Lead>& leads) const;

  /// A change of one task inside its write transaction: what it refuses, or nothing.
  using TaskChange =
      std::function<std::optional<TaskFailure>(store_api::Transaction&, const domain::Task&,
                                               domain::Timestamp, std::vector<AppliedTransition>&)>;
  /// Runs `change` on the task (missing: kNotFound; deleted: kDeleted unless `deleted_too`),
  /// logs the transitions it applied, and answers the task as it then is.
  TaskOutcome<domain::Task> change_task(domain::TaskId task_id, bool deleted_too,
                                        const TaskChange& change);
};

}  // namespace dialtrack::app
