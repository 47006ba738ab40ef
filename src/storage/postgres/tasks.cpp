#include <array>
#include <map>
#include <string_view>
#include <utility>

#include "storage/common/audit_sql.hpp"
#include "storage/common/lead_state_sql.hpp"
#include "storage/common/like_pattern.hpp"
#include "storage/common/names.hpp"
#include "storage/common/policy_columns.hpp"
#include "storage/postgres/pg_sql.hpp"
#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// The rest of the counter audit's SELECT after kAuditSelectHead: the lead states in one pass
/// over the task's leads.
std::string audit_select() {
  const std::string state = kLeadStateSql;
  return std::string(kAuditSelectHead) +
         "ls.settled, ls.unreachable, ls.shared, "
         "ls.final_attempts, (SELECT count(*) FROM outbound_call_records r "
         "WHERE r.task_id = t.task_id "
         "AND r.call_status = ANY(string_to_array(t.final_statuses, ','))) "
         "FROM call_tasks t CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE " +
         state + " <> 0) AS settled, count(*) FILTER (WHERE " + state +
         " = 2) AS unreachable, count(*) FILTER (WHERE l.key_shared) AS shared, "
         "coalesce(sum(l.final_attempts), 0) AS final_attempts "
         "FROM task_leads l WHERE l.task_id = t.task_id) ls ";
}

}  // namespace

domain::Task read_task(const Result& r, int row) {
  domain::Task t;
  t.task_id = r.int64(row, 0);
  t.name = std::string(r.text(row, 1));
  t.job_group_id = r.optional_text(row, 2);
  t.task_type = static_cast<domain::TaskType>(r.int64(row, 3));
  t.total_calls = r.int64(row, 4);
  t.connected_calls = r.int64(row, 5);
  t.created_at = timestamp(r.int64(row, 6));
  t.updated_at = timestamp(r.int64(row, 7));
  t.completed_at = timestamp(r.optional_int64(row, 8));
  t.settled_calls = r.int64(row, 9);
  t.unreachable_calls = r.int64(row, 10);
  t.completion = policy_columns::read(r.text(row, 11), r.optional_int64(row, 12), r.text(row, 13));
  t.parent_task_id = r.optional_int64(row, 14);
  t.completion_reason = r.optional_text(row, 15).value_or("");
  return t;
}

std::vector<NamedStatement> task_statements() {
  return {
      {"insert_task",
       "WITH t AS (INSERT INTO call_tasks (name, job_group_id, task_type, total_calls, "
       "connected_calls, record_count, created_at, updated_at, completion, max_attempts, "
       "final_statuses, parent_task_id) "
       "VALUES ($1, $2, 1, 0, 0, 0, $3, $3, $4, $5, $6, $7) RETURNING task_id) "
       "INSERT INTO task_status_history (task_id, from_type, to_type, reason, at) "
       "SELECT task_id, NULL, 1, 'created', $3 FROM t RETURNING task_id"},
      {"find_task", sql({"SELECT ", kTaskColumns, " FROM call_tasks WHERE task_id = $1"})},
      {"lock_tasks",
       sql({"SELECT ", kTaskColumns,
            " FROM call_tasks WHERE task_id = ANY($1::bigint[]) ORDER BY task_id FOR UPDATE"})},
      {"find_tasks", sql({"SELECT ", kTaskColumns,
                          " FROM call_tasks WHERE task_id = ANY($1::bigint[]) ORDER BY task_id"})},
      {"find_task_for_update",
       sql({"SELECT ", kTaskColumns, " FROM call_tasks WHERE task_id = $1 FOR UPDATE"})},
      {"list_tasks",
       sql({"SELECT ", kTaskColumns, " FROM call_tasks ORDER BY task_id DESC LIMIT $1 OFFSET $2"})},
      {"list_tasks_by_type",
       sql({"SELECT ", kTaskColumns,
            " FROM call_tasks WHERE task_type = $1 ORDER BY task_id DESC LIMIT $2 OFFSET $3"})},
      {"count_tasks", "SELECT count(*) FROM call_tasks"},
      {"count_tasks_by_type", "SELECT count(*) FROM call_tasks WHERE task_type = $1"},
      // Search by name ($1: a contains_pattern). ILIKE folds letters as the database's LC_CTYPE
      // says. No index serves it: a pattern that starts with '%' cannot use a b-tree, so this
      // scans the tasks (pg_trgm's GIN index could, should the table grow that large).
      {"list_tasks_by_name", sql({"SELECT ", kTaskColumns,
                                  " FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\' "
                                  "ORDER BY task_id DESC LIMIT $2 OFFSET $3"})},
      {"list_tasks_by_name_and_type",
       sql({"SELECT ", kTaskColumns,
            " FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\' "
            "AND task_type = $2 ORDER BY task_id DESC LIMIT $3 OFFSET $4"})},
      {"count_tasks_by_name", "SELECT count(*) FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\'"},
      {"count_tasks_by_name_and_type",
       "SELECT count(*) FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\' AND task_type = $2"},
      {"set_completion",
       "UPDATE call_tasks SET completion = $2, max_attempts = $3, final_statuses = $4, "
       "updated_at = $5 WHERE task_id = $1"},
      {"set_job_group",
       "UPDATE call_tasks SET job_group_id = $2, updated_at = $3 WHERE task_id = $1"},
      // The status changes with their history rows, each returning the tasks it moved: their
      // outbox events follow in a second statement (write_status_events).
      {"transition",
       "WITH t AS (UPDATE call_tasks SET task_type = $3, updated_at = $4, "
       "completed_at = CASE $3::smallint WHEN 3 THEN $4 WHEN 2 THEN NULL ELSE completed_at END, "
       "completion_reason = CASE $3::smallint WHEN 3 THEN $5 WHEN 2 THEN NULL "
       "ELSE completion_reason END "
       "WHERE task_id = $1 AND task_type = $2 RETURNING task_id) "
       "INSERT INTO task_status_history (task_id, from_type, to_type, reason, at) "
       "SELECT task_id, $2, $3, $5, $4 FROM t RETURNING task_id"},
      // domain::counters_say_complete under each task's policy; `all_settled` is its own reason.
      {"complete_many",
       "WITH t AS (UPDATE call_tasks SET task_type = 3, updated_at = $2, completed_at = $2, "
       "completion_reason = CASE completion WHEN 'all_settled' THEN 'all_settled' ELSE $3 END "
       "WHERE task_id = ANY($1::bigint[]) AND task_type = 2 AND total_calls > 0 "
       "AND (CASE completion WHEN 'all_settled' THEN settled_calls ELSE connected_calls END) "
       "= total_calls RETURNING task_id, completion_reason), "
       "h AS (INSERT INTO task_status_history (task_id, from_type, to_type, reason, at) "
       "SELECT task_id, 2, 3, completion_reason, $2 FROM t RETURNING task_id, reason) "
       "SELECT task_id, reason FROM h ORDER BY task_id"},
      {"history",
       "SELECT from_type, to_type, reason, at FROM task_status_history WHERE task_id = $1 "
       "ORDER BY history_id"},
      {"calling_tasks", sql({"SELECT ", kTaskColumns,
                             " FROM call_tasks WHERE task_type = 2 AND task_id > $1 "
                             "ORDER BY task_id LIMIT $2"})},
      {"audit_task", sql({audit_select(), "WHERE t.task_id = $1"})},
      {"audit_tasks", sql({audit_select(), "WHERE t.task_id > $1 ORDER BY t.task_id LIMIT $2"})},
      {"repair_counters",
       "UPDATE call_tasks SET "
       "total_calls = (SELECT count(*) FROM task_leads WHERE task_id = $1), "
       "connected_calls = (SELECT count(*) FROM task_leads "
       "WHERE task_id = $1 AND connected_at IS NOT NULL), "
       "record_count = (SELECT count(*) FROM outbound_call_records WHERE task_id = $1), "
       "updated_at = $2 WHERE task_id = $1"},
  };
}

std::vector<domain::Task> lock_task_rows(Connection& c, std::span<const TaskId> task_ids) {
  if (task_ids.empty()) {
    return {};
  }
  return c.run("lock_tasks", Params{}.add_array(task_ids)).read_all(read_task);
}

namespace {

/// The tasks port: the task rows, their status history (with the outbox events of each change)
/// and their counters. In a write transaction the rows it reads stay locked.
class PgTasks final : public LockingPortOn<store_api::TaskStore> {
 public:
  using LockingPortOn::LockingPortOn;

  TaskId insert_task(const store_api::NewTaskRow& task, Timestamp now) override {
    const auto& policy = task.completion;
    const auto r = c_.run("insert_task", Params{}
                                             .add(task.name)
                                             .add(task.job_group_id)
                                             .add(millis(now))
                                             .add(domain::to_string(policy.until))
                                             .add(policy.max_attempts)
                                             .add(policy_columns::final_statuses(policy))
                                             .add(task.parent_task_id));
    return r.int64(0, 0);
  }

  void set_completion(TaskId task_id, const domain::CompletionPolicy& policy,
                      Timestamp now) override {
    c_.run("set_completion", Params{}
                                 .add(task_id)
                                 .add(domain::to_string(policy.until))
                                 .add(policy.max_attempts)
                                 .add(policy_columns::final_statuses(policy))
                                 .add(millis(now)));
  }

  void lock_tasks(std::span<const TaskId> task_ids) override {
    static_cast<void>(lock_task_rows(c_, task_ids));
  }

  std::optional<domain::Task> find_task(TaskId task_id) override {
    // In a write transaction the row stays locked, so the caller's decision holds until commit.
    const auto r =
        c_.run(read_statement("find_task", "find_task_for_update"), Params{}.add(task_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return read_task(r, 0);
  }

  std::vector<domain::Task> find_tasks(std::span<const TaskId> task_ids) override {
    if (task_ids.empty()) {
      return {};
    }
    return c_.run("find_tasks", Params{}.add_array(task_ids)).read_all(read_task);
  }

  store_api::TaskPage list_tasks(const store_api::TaskListQuery& query) override {
    // One prepared statement per combination of filters, their parameters in this order.
    Params filters;
    if (query.name_contains) {
      filters.add(contains_pattern(*query.name_contains));
    }
    if (query.task_type) {
      filters.add(static_cast<int>(*query.task_type));
    }
    const bool by_name = query.name_contains.has_value();
    const bool by_type = query.task_type.has_value();
    const char* list = by_name ? (by_type ? "list_tasks_by_name_and_type" : "list_tasks_by_name")
                               : (by_type ? "list_tasks_by_type" : "list_tasks");
    const char* count = by_name ? (by_type ? "count_tasks_by_name_and_type" : "count_tasks_by_name")
                                : (by_type ? "count_tasks_by_type" : "count_tasks");
    store_api::TaskPage page;
    page.items =
        c_.run(list, Params(filters).add(query.page_size).add(query.offset())).read_all(read_task);
    page.total = c_.run(count, filters).int64(0, 0);
    return page;
  }

  void set_job_group(TaskId task_id, std::string_view job_group_id, Timestamp now) override {
    c_.run("set_job_group", Params{}.add(task_id).add(job_group_id).add(millis(now)));
  }

  bool transition(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                  Timestamp now) override {
    const auto r = c_.run("transition", Params{}
                                            .add(task_id)
                                            .add(static_cast<int>(from))
                                            .add(static_cast<int>(to))
                                            .add(millis(now))
                                            .add(reason));
    if (r.rows() != 1) {
      return false;
    }
    const std::array moved{task_id};
    write_status_events(c_, moved, from, to, reason, now);
    return true;
  }

  bool complete_if_counters_full(TaskId task_id, std::string_view reason, Timestamp now) override {
    const std::array ids{task_id};
    return !complete_where_counters_full(ids, reason, now).empty();
  }

  std::vector<TaskId> complete_where_counters_full(std::span<const TaskId> task_ids,
                                                   std::string_view reason,
                                                   Timestamp now) override {
    if (task_ids.empty()) {
      return {};
    }
    const auto r =
        c_.run("complete_many", Params{}.add_array(task_ids).add(millis(now)).add(reason));
    // The events of each reason in one statement: `reason`, and `all_settled`.
    std::map<std::string, std::vector<TaskId>, std::less<>> by_reason;
    std::vector<TaskId> completed;
    for (int row = 0; row < r.rows(); ++row) {
      completed.push_back(r.int64(row, 0));
      by_reason[std::string(r.text(row, 1))].push_back(completed.back());
    }
    for (const auto& [why, ids] : by_reason) {
      write_status_events(c_, ids, TaskType::kCalling, TaskType::kCompleted, why, now);
    }
    return completed;
  }

  std::vector<domain::Transition> history(TaskId task_id) override {
    return c_.run("history", Params{}.add(task_id)).read_all([](const Result& r, int row) {
      domain::Transition t;
      if (const auto from = r.optional_int64(row, 0)) {
        t.from = static_cast<TaskType>(*from);
      }
      t.to = static_cast<TaskType>(r.int64(row, 1));
      t.reason = std::string(r.text(row, 2));
      t.at = timestamp(r.int64(row, 3));
      return t;
    });
  }

  std::vector<domain::Task> calling_tasks(TaskId after, std::int64_t limit) override {
    return c_.run("calling_tasks", Params{}.add(after).add(limit)).read_all(read_task);
  }

  std::vector<store_api::CounterAudit> audit_counters(std::optional<TaskId> task_id, TaskId after,
                                                      std::int64_t limit) override {
    const auto audited = task_id ? c_.run("audit_task", Params{}.add(*task_id))
                                 : c_.run("audit_tasks", Params{}.add(after).add(limit));
    return audited.read_all([](const Result& r, int row) {
      store_api::CounterAudit a{r.int64(row, 0), r.int64(row, 1), r.int64(row, 2),
                                r.int64(row, 3), r.int64(row, 4), r.int64(row, 5),
                                r.int64(row, 6), r.int64(row, 7), r.int64(row, 8)};
      a.settled_calls = r.int64(row, 9);
      a.unreachable_calls = r.int64(row, 10);
      a.actual_settled_calls = r.int64(row, 11);
      a.actual_unreachable_calls = r.int64(row, 12);
      a.shared_keys = r.int64(row, 13);
      a.final_attempts = r.int64(row, 14);
      a.actual_final_attempts = r.int64(row, 15);
      return a;
    });
  }

  void repair_counters(TaskId task_id, Timestamp now) override {
    repair_connected_flags(c_, task_id, now);  // the leads first: the counters count them
    c_.run("repair_counters", Params{}.add(task_id).add(millis(now)));
    resettle(c_, task_id, now);
  }
};

}  // namespace

std::unique_ptr<store_api::TaskStore> make_tasks(Connection& c, TxMode mode) {
  return std::make_unique<PgTasks>(c, mode);
}

}  // namespace dialtrack::storage::postgres
