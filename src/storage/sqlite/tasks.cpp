#include <algorithm>
#include <string>
#include <utility>

#include "storage/common/audit_sql.hpp"
#include "storage/common/lead_state_sql.hpp"
#include "storage/common/like_pattern.hpp"
#include "storage/common/names.hpp"
#include "storage/common/policy_columns.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

namespace {

// The rest of the counter audit's SELECT after kAuditSelectHead, for the task ?1 or the tasks
// after it.
std::string audit_select() {
  const std::string state = kLeadStateSql;
  return std::string(kAuditSelectHead) +
         "(SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id AND " + state +
         " <> 0), (SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id AND " + state +
         " = 2), (SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id AND "
         "l.key_shared <> 0), "
         "(SELECT coalesce(sum(final_attempts), 0) FROM task_leads l WHERE l.task_id = t.task_id), "
         "(SELECT count(*) FROM outbound_call_records r WHERE r.task_id = t.task_id AND "
         "instr(',' || t.final_statuses || ',', ',' || r.call_status || ',') > 0) "
         "FROM call_tasks t ";
}

}  // namespace

domain::Task read_task_row(const Statement& s) {
  domain::Task t;
  t.task_id = s.int64(0);
  t.name = s.text(1);
  t.job_group_id = s.optional_text(2);
  t.task_type = static_cast<domain::TaskType>(s.int64(3));
  t.total_calls = s.int64(4);
  t.connected_calls = s.int64(5);
  t.created_at = timestamp(s.int64(6));
  t.updated_at = timestamp(s.int64(7));
  t.completed_at = timestamp(s.optional_int64(8));
  t.settled_calls = s.int64(9);
  t.unreachable_calls = s.int64(10);
  t.completion = policy_columns::read(s.text_view(11), s.optional_int64(12), s.text_view(13));
  t.parent_task_id = s.optional_int64(14);
  t.completion_reason = s.optional_text(15).value_or("");
  return t;
}

namespace {

domain::Task read_task(const Statement& s) {
  return read_task_row(s);
}

}  // namespace

TaskStatements::TaskStatements(Database& db)
    : insert_task(db,
                  "INSERT INTO call_tasks (name, job_group_id, task_type, total_calls, "
                  "connected_calls, record_count, created_at, updated_at, completion, "
                  "max_attempts, final_statuses, parent_task_id) "
                  "VALUES (?1, ?2, 1, 0, 0, 0, ?3, ?3, ?4, ?5, ?6, ?7)"),
      find_task(db, sql("SELECT ", kTaskColumns, " FROM call_tasks WHERE task_id = ?1")),
      list_tasks(db, sql("SELECT ", kTaskColumns,
                         " FROM call_tasks ORDER BY task_id DESC LIMIT ?1 OFFSET ?2")),
      list_tasks_by_type(
          db,
          sql("SELECT ", kTaskColumns,
              " FROM call_tasks WHERE task_type = ?1 ORDER BY task_id DESC LIMIT ?2 OFFSET ?3")),
      count_tasks(db, "SELECT count(*) FROM call_tasks"),
      count_tasks_by_type(db, "SELECT count(*) FROM call_tasks WHERE task_type = ?1"),
      // Search by name (?1: a contains_pattern). SQLite's LIKE folds ASCII letters only. No
      // index serves it: a pattern that starts with '%' cannot use a b-tree, so this scans the
      // tasks.
      list_tasks_by_name(db, sql("SELECT ", kTaskColumns,
                                 " FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\' "
                                 "ORDER BY task_id DESC LIMIT ?2 OFFSET ?3")),
      list_tasks_by_name_and_type(
          db, sql("SELECT ", kTaskColumns,
                  " FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\' AND task_type = ?2 "
                  "ORDER BY task_id DESC LIMIT ?3 OFFSET ?4")),
      count_tasks_by_name(db, "SELECT count(*) FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\'"),
      count_tasks_by_name_and_type(
          db, "SELECT count(*) FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\' AND task_type = ?2"),
      set_job_group(db,
                    "UPDATE call_tasks SET job_group_id = ?2, updated_at = ?3 WHERE task_id = ?1"),
      transition(db,
                 "UPDATE call_tasks SET task_type = ?3, updated_at = ?4, "
                 "completed_at = CASE ?3 WHEN 3 THEN ?4 WHEN 2 THEN NULL ELSE completed_at END, "
                 "completion_reason = CASE ?3 WHEN 3 THEN ?5 WHEN 2 THEN NULL "
                 "ELSE completion_reason END "
                 "WHERE task_id = ?1 AND task_type = ?2"),
      // domain::counters_say_complete under the task's policy; the reason of `all_settled`.
      complete(db,
               "UPDATE call_tasks SET task_type = 3, updated_at = ?2, completed_at = ?2, "
               "completion_reason = CASE completion WHEN 'all_settled' THEN 'all_settled' "
               "ELSE ?3 END "
               "WHERE task_id = ?1 AND task_type = 2 AND total_calls > 0 "
               "AND (CASE completion WHEN 'all_settled' THEN settled_calls "
               "ELSE connected_calls END) = total_calls RETURNING completion_reason"),
      insert_history(db,
                     "INSERT INTO task_status_history (task_id, from_type, to_type, "
                     "reason, at) VALUES (?1, ?2, ?3, ?4, ?5)"),
      history(db,
              "SELECT from_type, to_type, reason, at FROM task_status_history "
              "WHERE task_id = ?1 ORDER BY history_id"),
      calling_tasks(db, sql("SELECT ", kTaskColumns,
                            " FROM call_tasks WHERE task_type = 2 AND task_id > ?1 "
                            "ORDER BY task_id LIMIT ?2")),
      audit_task(db, audit_select() + "WHERE t.task_id = ?1"),
      audit_tasks(db, audit_select() + "WHERE t.task_id > ?1 ORDER BY t.task_id LIMIT ?2"),
      repair_counters(
          db,
          "UPDATE call_tasks SET "
          "total_calls = (SELECT count(*) FROM task_leads WHERE task_id = ?1), "
          "connected_calls = (SELECT count(*) FROM task_leads "
          "WHERE task_id = ?1 AND connected_at IS NOT NULL), "
          "record_count = (SELECT count(*) FROM outbound_call_records WHERE task_id = ?1), "
          "updated_at = ?2 WHERE task_id = ?1"),
      set_completion(db,
                     "UPDATE call_tasks SET completion = ?2, max_attempts = ?3, "
                     "final_statuses = ?4, updated_at = ?5 WHERE task_id = ?1"),
      add_total_calls(db,
                      "UPDATE call_tasks SET total_calls = total_calls + ?2, "
                      "updated_at = ?3 WHERE task_id = ?1"),
      add_connected_calls(db,
                          "UPDATE call_tasks SET connected_calls = connected_calls + ?2, "
                          "updated_at = ?3 WHERE task_id = ?1"),
      add_record_count(db,
                       "UPDATE call_tasks SET record_count = record_count + ?2, "
                       "updated_at = ?3 WHERE task_id = ?1"),
      add_settled_calls(db,
                        "UPDATE call_tasks SET settled_calls = settled_calls + ?2, "
                        "unreachable_calls = unreachable_calls + ?3, updated_at = ?4 "
                        "WHERE task_id = ?1"),
      recount_settled_calls(
          db,
          "UPDATE call_tasks SET settled_calls = (SELECT count(*) FROM task_leads "
          "WHERE task_id = ?1 AND state <> 0), unreachable_calls = (SELECT count(*) "
          "FROM task_leads WHERE task_id = ?1 AND state = 2), updated_at = ?2 WHERE task_id = ?1") {
}

void add_total_calls(Connection& c, TaskId task_id, std::int64_t added, Timestamp now) {
  c.tasks->add_total_calls.bind(task_id, added, millis(now)).run();
}

void add_connected_calls(Connection& c, TaskId task_id, std::int64_t connected, Timestamp now) {
  c.tasks->add_connected_calls.bind(task_id, connected, millis(now)).run();
}

void add_record_count(Connection& c, TaskId task_id, std::int64_t inserted, Timestamp now) {
  c.tasks->add_record_count.bind(task_id, inserted, millis(now)).run();
}

namespace {

/// The tasks port: the task rows, their status history (with the outbox events of each change)
/// and their counters.
class SqliteTasks final : public PortOn<store_api::TaskStore, Connection> {
 public:
  using PortOn::PortOn;

  TaskId insert_task(const store_api::NewTaskRow& task, Timestamp now) override {
    const auto& policy = task.completion;
    c_.tasks->insert_task
        .bind(task.name, task.job_group_id, millis(now), domain::to_string(policy.until),
              policy.max_attempts, policy_columns::final_statuses(policy), task.parent_task_id)
        .run();
    const TaskId id = c_.db.last_insert_rowid();
    c_.tasks->insert_history
        .bind(id, std::nullopt, static_cast<int>(domain::TaskType::kCreated),
              domain::reason::kCreated, millis(now))
        .run();
    return id;
  }

  void set_completion(TaskId task_id, const domain::CompletionPolicy& policy,
                      Timestamp now) override {
    c_.tasks->set_completion
        .bind(task_id, domain::to_string(policy.until), policy.max_attempts,
              policy_columns::final_statuses(policy), millis(now))
        .run();
  }

  void lock_tasks(std::span<const TaskId> /*task_ids*/) override {
    // The writer connection runs one write transaction at a time: nothing to lock.
  }

  std::optional<domain::Task> find_task(TaskId task_id) override {
    auto& s = c_.tasks->find_task.bind(task_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return read_task(s);
  }

  std::vector<domain::Task> find_tasks(std::span<const TaskId> task_ids) override {
    std::vector<TaskId> ids(task_ids.begin(), task_ids.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<domain::Task> out;
    for (const TaskId id : ids) {
      if (auto task = find_task(id)) {
        out.push_back(std::move(*task));
      }
    }
    return out;
  }

  store_api::TaskPage list_tasks(const store_api::TaskListQuery& query) override {
    auto& st = *c_.tasks;
    store_api::TaskPage page;
    Statement* rows = nullptr;
    Statement* count = nullptr;
    const int type = query.task_type ? static_cast<int>(*query.task_type) : 0;
    if (query.name_contains) {
      const auto pattern = contains_pattern(*query.name_contains);
      if (query.task_type) {
        rows = &st.list_tasks_by_name_and_type.bind(pattern, type, query.page_size, query.offset());
        count = &st.count_tasks_by_name_and_type.bind(pattern, type);
      } else {
        rows = &st.list_tasks_by_name.bind(pattern, query.page_size, query.offset());
        count = &st.count_tasks_by_name.bind(pattern);
      }
    } else if (query.task_type) {
      rows = &st.list_tasks_by_type.bind(type, query.page_size, query.offset());
      count = &st.count_tasks_by_type.bind(type);
    } else {
      rows = &st.list_tasks.bind(query.page_size, query.offset());
      count = &st.count_tasks.bind();
    }
    page.items = rows->read_all(read_task);
    if (count->step()) {
      page.total = count->int64(0);
    }
    return page;
  }

  void set_job_group(TaskId task_id, std::string_view job_group_id, Timestamp now) override {
    c_.tasks->set_job_group.bind(task_id, job_group_id, millis(now)).run();
  }

  bool transition(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                  Timestamp now) override {
    c_.tasks->transition
        .bind(task_id, static_cast<int>(from), static_cast<int>(to), millis(now), reason)
        .run();
    if (c_.db.changes() != 1) {
      return false;
    }
    c_.tasks->insert_history
        .bind(task_id, static_cast<int>(from), static_cast<int>(to), reason, millis(now))
        .run();
    write_status_events(c_, task_id, from, to, reason, now);
    return true;
  }

  bool complete_if_counters_full(TaskId task_id, std::string_view reason, Timestamp now) override {
    auto& completed = c_.tasks->complete.bind(task_id, millis(now), reason);
    if (!completed.step()) {
      return false;
    }
    const std::string why = completed.text(0);
    while (completed.step()) {
    }
    c_.tasks->insert_history
        .bind(task_id, static_cast<int>(TaskType::kCalling), static_cast<int>(TaskType::kCompleted),
              why, millis(now))
        .run();
    write_status_events(c_, task_id, TaskType::kCalling, TaskType::kCompleted, why, now);
    return true;
  }

  std::vector<TaskId> complete_where_counters_full(std::span<const TaskId> task_ids,
                                                   std::string_view reason,
                                                   Timestamp now) override {
    // One writer at a time: statement by statement costs no round trips here.
    std::vector<TaskId> ids(task_ids.begin(), task_ids.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<TaskId> completed;
    for (const TaskId id : ids) {
      if (complete_if_counters_full(id, reason, now)) {
        completed.push_back(id);
      }
    }
    return completed;
  }

  std::vector<domain::Transition> history(TaskId task_id) override {
    return c_.tasks->history.bind(task_id).read_all([](const Statement& s) {
      domain::Transition t;
      if (const auto from = s.optional_int64(0)) {
        t.from = static_cast<TaskType>(*from);
      }
      t.to = static_cast<TaskType>(s.int64(1));
      t.reason = s.text(2);
      t.at = timestamp(s.int64(3));
      return t;
    });
  }

  std::vector<domain::Task> calling_tasks(TaskId after, std::int64_t limit) override {
    return c_.tasks->calling_tasks.bind(after, limit).read_all(read_task);
  }

  std::vector<store_api::CounterAudit> audit_counters(std::optional<TaskId> task_id, TaskId after,
                                                      std::int64_t limit) override {
    auto& audited =
        task_id ? c_.tasks->audit_task.bind(*task_id) : c_.tasks->audit_tasks.bind(after, limit);
    return audited.read_all([](const Statement& s) {
      store_api::CounterAudit a{s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.int64(4),
                                s.int64(5), s.int64(6), s.int64(7), s.int64(8)};
      a.settled_calls = s.int64(9);
      a.unreachable_calls = s.int64(10);
      a.actual_settled_calls = s.int64(11);
      a.actual_unreachable_calls = s.int64(12);
      a.shared_keys = s.int64(13);
      a.final_attempts = s.int64(14);
      a.actual_final_attempts = s.int64(15);
      return a;
    });
  }

  void repair_counters(TaskId task_id, Timestamp now) override {
    repair_lead_connections(c_, task_id, now);
    c_.tasks->repair_counters.bind(task_id, millis(now)).run();
    resettle(c_, task_id, now);
  }
};

}  // namespace

std::unique_ptr<store_api::TaskStore> make_tasks(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteTasks>(c);
}

}  // namespace dialtrack::storage::sqlite
