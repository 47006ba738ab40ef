#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"
#include "store_api/page.hpp"

namespace dialtrack::store_api {

using domain::TaskId;
using domain::TaskType;
using domain::Timestamp;

struct TaskListQuery {
  std::optional<TaskType> task_type;
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  /// Only tasks whose name contains this text: a plain substring (`%` and `_` are literal),
  /// ASCII letters matched case-insensitively. Other letters (`É`/`é`) follow the backend:
  /// never folded on SQLite, folded on PostgreSQL as the database's LC_CTYPE says.
  std::optional<std::string> name_contains;

  std::int64_t offset() const { return page_offset(page, page_size); }
};

struct TaskPage {
  std::vector<domain::Task> items;
  std::int64_t total = 0;
};

/// A task to insert.
struct NewTaskRow {
  std::string name;
  std::optional<std::string> job_group_id;
  domain::CompletionPolicy completion;
  std::optional<TaskId> parent_task_id;
};

/// A task's stored counters beside the values recomputed from its leads and records.
struct CounterAudit {
  TaskId task_id = 0;
  std::int64_t total_calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t record_count = 0;
  std::int64_t actual_total_calls = 0;
  std::int64_t actual_connected_calls = 0;
  std::int64_t actual_record_count = 0;
  /// The report's aggregates (see `ReportStore::task_report`): the calls of the task's status
  /// rows and the attempts of its leads, each of which should equal the number of records. A
  /// cheap check: it finds records counted twice or not at all, not a record counted under a
  /// wrong status, time or lead.
  std::int64_t report_calls = 0;
  std::int64_t lead_attempts = 0;
  /// The settled and unreachable counters beside the leads' states, recomputed from each lead's
  /// row (its connected flag, attempts and final attempts: domain::lead_state).
  std::int64_t settled_calls = 0;
  std::int64_t unreachable_calls = 0;
  std::int64_t actual_settled_calls = 0;
  std::int64_t actual_unreachable_calls = 0;
  /// Leads that share a phone key with an earlier lead of the task (kept from before phone
  /// keys; records find the earliest).
  std::int64_t shared_keys = 0;
  /// The leads' attempts with a final status (their sum) beside the task's records whose status
  /// is in its final statuses.
  std::int64_t final_attempts = 0;
  std::int64_t actual_final_attempts = 0;

  [[nodiscard]] bool counters_drifted() const {
    return total_calls != actual_total_calls || connected_calls != actual_connected_calls ||
           record_count != actual_record_count || settled_calls != actual_settled_calls ||
           unreachable_calls != actual_unreachable_calls || final_attempts != actual_final_attempts;
  }
  [[nodiscard]] bool report_drifted() const {
    return report_calls != actual_record_count || lead_attempts != actual_record_count;
  }
  [[nodiscard]] bool drifted() const { return counters_drifted() || report_drifted(); }
};

/// The tasks port: a task's row, its status machine with history and outbox events, and its
/// counters. Every write is a conditional or set-based statement, so several service instances
/// on one database stay correct: a transition happens only if the row still is in the
/// expected state, and counters move by the number of rows that actually changed.
class TaskStore : public domain::Interface {
 public:
  /// Inserts a task in state 1 with zero counters and its creation history row.
  virtual TaskId insert_task(const NewTaskRow& task, Timestamp now) = 0;
  /// A task with the default completion policy and no parent.
  TaskId insert_task(std::string_view name, const std::optional<std::string>& job_group_id,
                     Timestamp now) {
    return insert_task(NewTaskRow{std::string(name), job_group_id, {}, std::nullopt}, now);
  }
  /// Stores a task's completion policy (the caller then resettles its leads).
  virtual void set_completion(TaskId task_id, const domain::CompletionPolicy& policy,
                              Timestamp now) = 0;
  /// In a write transaction the task row stays locked until the end on backends with row locks.
  virtual std::optional<domain::Task> find_task(TaskId task_id) = 0;
  /// The tasks with these ids that exist, in id order, read in one statement without taking
  /// locks (a writer that needs them locked has locked them already, see
  /// `RecordStore::upsert_records`).
  virtual std::vector<domain::Task> find_tasks(std::span<const TaskId> task_ids) = 0;
  /// Locks these task rows until the end of the transaction, in id order, on backends with row
  /// locks (a no-op where writers are serialised anyway). Writers that move the counters of
  /// several tasks take them in this one order, so they queue per task instead of deadlocking.
  virtual void lock_tasks(std::span<const TaskId> task_ids) = 0;
  /// One page of the tasks the query's filters match, newest first (task_id DESC), and how
  /// many they match in all.
  virtual TaskPage list_tasks(const TaskListQuery& query) = 0;
  virtual void set_job_group(TaskId task_id, std::string_view job_group_id, Timestamp now) = 0;

  /// Moves the task from `from` to `to` only if it is still in `from`, and writes the history
  /// row in the same transaction. Entering 3 sets `completed_at`; reopening (3 -> 2) clears it;
  /// deleting keeps it. Returns false when the task was not in `from` (someone else moved it
  /// first). A move also writes its outbox events (`task.status_changed`, and `task.completed`
  /// on entering 3; payloads from domain/events.hpp) and one pending delivery per webhook
  /// subscribed to each.
  virtual bool transition(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                          Timestamp now) = 0;

  /// The 2 -> 3 transition, conditional on the counters in the same statement (the rule of
  /// domain::counters_say_complete under the task's policy), with its history row and outbox
  /// events (as `transition`). The reason is `reason`, or `all_settled` for a task under that
  /// policy. Returns true for the one caller that completed the task.
  virtual bool complete_if_counters_full(TaskId task_id, std::string_view reason,
                                         Timestamp now) = 0;
  /// `complete_if_counters_full` for several tasks in one statement where the backend can;
  /// returns the ids of the tasks this call completed, in id order.
  virtual std::vector<TaskId> complete_where_counters_full(std::span<const TaskId> task_ids,
                                                           std::string_view reason,
                                                           Timestamp now) = 0;

  virtual std::vector<domain::Transition> history(TaskId task_id) = 0;

  /// Tasks in state 2 with ids above `after`, in id order, at most `limit`, with counters.
  virtual std::vector<domain::Task> calling_tasks(TaskId after, std::int64_t limit) = 0;

  /// Recomputes counters from leads and records (a scan: for `recount`, never for checks): for
  /// `task_id` alone, or else for at most `limit` tasks with ids above `after`, in id order.
  virtual std::vector<CounterAudit> audit_counters(std::optional<TaskId> task_id, TaskId after,
                                                   std::int64_t limit) = 0;
  /// Sets the leads' connected flags, their states and the task's counters to what its records
  /// say.
  virtual void repair_counters(TaskId task_id, Timestamp now) = 0;
};

}  // namespace dialtrack::store_api
