#include <array>
#include <optional>
#include <string>

#include "storage/common/audit_sql.hpp"
#include "storage/common/names.hpp"
#include "storage/postgres/pg_sql.hpp"
#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// A row of `report_by_status`, in its column order.
store_api::StatusCalls read_status_calls(const Result& r, int row) {
  return {std::string(r.text(row, 0)),
          r.int64(row, 1),
          r.int64(row, 2),
          r.int64(row, 3),
          r.int64(row, 4),
          timestamp(r.optional_int64(row, 5)),
          timestamp(r.optional_int64(row, 6))};
}

/// A row of `report_by_latest`.
store_api::LatestAttempts read_latest_attempts(const Result& r, int row) {
  return {std::string(r.text(row, 0)), r.int64(row, 1), r.int64(row, 2)};
}

/// A row of `report_by_hour` (the hour counted from the epoch).
store_api::HourCalls read_hour_calls(const Result& r, int row) {
  return {timestamp(r.int64(row, 0) * 3'600'000), r.int64(row, 1), r.int64(row, 2)};
}

/// A row of `daily_created` or `daily_completed`: a day and its tasks.
store_api::DayCount read_task_day(const Result& r, int row) {
  return {r.int64(row, 0), r.int64(row, 1), 0};
}

/// A row of `daily_calls`: a day, its calls and the connected ones.
store_api::DayCount read_call_day(const Result& r, int row) {
  return {r.int64(row, 0), r.int64(row, 1), r.int64(row, 2)};
}

}  // namespace

std::vector<NamedStatement> report_statements() {
  return {
      // What a batch of record writes adds to its tasks, in one statement: one round trip while
      // the tasks are locked (every writer of a task queues there). The record counts and the
      // connected, settled and unreachable counters of the tasks ($1-$3, $13-$15) and the
      // report's status rows ($4-$12, storage/common/report_stats.hpp); an empty array leaves
      // its part out. A status row whose calls fell to 0 takes the bounds of what is added next.
      // Answers the task rows it counted, as they are after it (the caller decides completion
      // from them without another round trip while it holds the tasks).
      {"add_record_stats",
       sql({"WITH counts AS (UPDATE call_tasks t SET record_count = t.record_count + u.n, "
            "connected_calls = t.connected_calls + u.connected, "
            "settled_calls = t.settled_calls + u.settled, "
            "unreachable_calls = t.unreachable_calls + u.unreachable, updated_at = $3 "
            "FROM unnest($1::bigint[], $2::bigint[], $13::bigint[], $14::bigint[], "
            "$15::bigint[]) AS u(counted_task, n, connected, settled, unreachable) "
            "WHERE t.task_id = u.counted_task RETURNING ",
            kTaskColumns,
            "), "
            "stats AS (INSERT INTO task_call_stats AS s (task_id, call_status, slot, calls, "
            "connected_calls, talk_seconds, talk_calls, first_at, last_at) "
            "SELECT u.task_id, u.call_status, u.slot, u.calls, u.connected_calls, u.talk_seconds, "
            "u.talk_calls, u.first_at, u.last_at "
            "FROM unnest($4::bigint[], $5::text[], $6::bigint[], $7::bigint[], "
            "$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[]) "
            "AS u(task_id, call_status, slot, calls, connected_calls, talk_seconds, talk_calls, "
            "first_at, last_at) "
            "ON CONFLICT (task_id, call_status, slot) DO UPDATE SET "
            "calls = s.calls + excluded.calls, "
            "connected_calls = s.connected_calls + excluded.connected_calls, "
            "talk_seconds = s.talk_seconds + excluded.talk_seconds, "
            "talk_calls = s.talk_calls + excluded.talk_calls, "
            "first_at = CASE WHEN s.calls > 0 THEN least(s.first_at, excluded.first_at) "
            "ELSE coalesce(excluded.first_at, s.first_at) END, "
            "last_at = CASE WHEN s.calls > 0 THEN greatest(s.last_at, excluded.last_at) "
            "ELSE coalesce(excluded.last_at, s.last_at) END RETURNING 1) "
            // The status rows are written whether or not this reads them (a data-modifying
            // WITH runs to completion).
            "SELECT ",
            kTaskColumns, " FROM counts ORDER BY task_id"})},
      {"lock_task_leads",
       "SELECT lead_id FROM task_leads WHERE task_id = $1 ORDER BY lead_id FOR UPDATE"},
      {"rebuild_call_stats_clear", "DELETE FROM task_call_stats WHERE task_id = $1"},
      {"rebuild_call_stats",
       "INSERT INTO task_call_stats (task_id, call_status, slot, calls, connected_calls, "
       "talk_seconds, talk_calls, first_at, last_at) "
       "SELECT task_id, call_status, coalesce(started_at, event_time, created_at) / 900000, "
       "count(*), count(*) FILTER (WHERE connected), "
       "coalesce(sum(duration) FILTER (WHERE connected), 0), "
       "count(duration) FILTER (WHERE connected), "
       "min(coalesce(started_at, event_time, created_at)), "
       "max(coalesce(started_at, event_time, created_at)) "
       "FROM outbound_call_records WHERE task_id = $1 GROUP BY 1, 2, 3"},
      {"rebuild_lead_stats",
       "UPDATE task_leads l SET attempts = coalesce(a.attempts, 0), latest_status = a.status, "
       "latest_at = a.at FROM task_leads k LEFT JOIN (SELECT DISTINCT ON (lead_id) lead_id, "
       "count(*) OVER (PARTITION BY lead_id) AS attempts, call_status AS status, "
       "coalesce(event_time, ended_at, started_at, created_at) AS at "
       "FROM outbound_call_records WHERE task_id = $1 ORDER BY lead_id, "
       "coalesce(event_time, ended_at, started_at, created_at) DESC, record_id DESC) AS a "
       "ON a.lead_id = k.lead_id WHERE k.task_id = $1 AND l.lead_id = k.lead_id"},
      // Reports, from the aggregates that upsert_records keeps: rows whose calls fell to 0
      // (every record moved out) are left out.
      {"report_by_status",
       "SELECT call_status, sum(calls), sum(connected_calls), sum(talk_seconds), "
       "sum(talk_calls), min(first_at), max(last_at) FROM task_call_stats "
       "WHERE task_id = $1 AND calls > 0 GROUP BY call_status"},
      {"report_by_latest",
       "SELECT latest_status, attempts, count(*) FROM task_leads "
       "WHERE task_id = $1 AND attempts > 0 GROUP BY 1, 2"},
      {"report_by_hour",
       "SELECT slot / 4 AS hour, sum(calls), sum(connected_calls) FROM task_call_stats "
       "WHERE task_id = $1 AND calls > 0 GROUP BY hour ORDER BY hour"},
      {"daily_created",
       "SELECT (created_at + $3::bigint) / 86400000 AS day, count(*) FROM call_tasks "
       "WHERE created_at >= $1 AND created_at < $2 GROUP BY day"},
      {"daily_completed",
       "SELECT (completed_at + $3::bigint) / 86400000 AS day, count(*) FROM call_tasks "
       "WHERE completed_at >= $1 AND completed_at < $2 GROUP BY day"},
      // By quarter hour ($1, $2: slots); a whole-quarter-hour offset keeps each in one day.
      {"daily_calls",
       "SELECT (slot * 900000 + $3::bigint) / 86400000 AS day, sum(calls), "
       "sum(connected_calls) FROM task_call_stats "
       "WHERE slot >= $1 AND slot < $2 AND calls > 0 GROUP BY day"},
  };
}

std::vector<domain::Task> add_record_stats(Connection& c,
                                           const std::map<TaskId, std::int64_t>& inserted,
                                           const std::map<TaskId, report_stats::LeadMoves>& moves,
                                           const report_stats::Deltas& deltas, Timestamp now) {
  Params params;
  std::map<TaskId, std::pair<std::int64_t, report_stats::LeadMoves>> per_task;
  for (const auto& [task_id, count] : inserted) {
    per_task[task_id].first = count;
  }
  for (const auto& [task_id, m] : moves) {
    per_task[task_id].second = m;
  }
  std::vector<std::int64_t> counted_tasks, counts, connected_leads, settled, unreachable;
  for (const auto& [task_id, change] : per_task) {
    counted_tasks.push_back(task_id);
    counts.push_back(change.first);
    connected_leads.push_back(change.second.connected);
    settled.push_back(change.second.settled);
    unreachable.push_back(change.second.unreachable);
  }
  params.add_array(counted_tasks).add_array(counts).add(millis(now));

  std::vector<std::int64_t> task_ids, slots, calls, connected, talk_seconds, talk_calls;
  std::vector<std::optional<std::string>> statuses, first_at, last_at;
  for (const auto& d : deltas.call_stats()) {  // in key order
    task_ids.push_back(d.task_id);
    statuses.emplace_back(d.call_status);
    slots.push_back(d.slot);
    calls.push_back(d.calls);
    connected.push_back(d.connected_calls);
    talk_seconds.push_back(d.talk_seconds);
    talk_calls.push_back(d.talk_calls);
    first_at.push_back(int_text(d.first_at));
    last_at.push_back(int_text(d.last_at));
  }
  params.add_array(task_ids)
      .add_array(statuses)
      .add_array(slots)
      .add_array(calls)
      .add_array(connected)
      .add_array(talk_seconds)
      .add_array(talk_calls)
      .add_array(first_at)
      .add_array(last_at)
      .add_array(connected_leads)
      .add_array(settled)
      .add_array(unreachable);

  return c.run("add_record_stats", params).read_all(read_task);
}

namespace {

/// The reports port: reads of the report's aggregates (storage/common/report_stats.hpp), and their
/// rebuild.
class PgReports final : public PortOn<store_api::ReportStore, Connection> {
 public:
  using PortOn::PortOn;

  store_api::TaskReportRows task_report(TaskId task_id) override {
    const auto task = Params{}.add(task_id);
    return {c_.run("report_by_status", task).read_all(read_status_calls),
            c_.run("report_by_latest", task).read_all(read_latest_attempts),
            c_.run("report_by_hour", task).read_all(read_hour_calls)};
  }

  store_api::DailyRows daily_counts(Timestamp from, Timestamp to,
                                    std::chrono::minutes utc_offset) override {
    report_stats::require_quarter_hours(utc_offset);
    const std::int64_t offset = std::chrono::milliseconds(utc_offset).count();
    const auto params = Params{}.add(millis(from)).add(millis(to)).add(offset);
    const auto slots = Params{}
                           .add(report_stats::first_slot_at_or_after(from))
                           .add(report_stats::first_slot_at_or_after(to))
                           .add(offset);
    return {c_.run("daily_created", params).read_all(read_task_day),
            c_.run("daily_completed", params).read_all(read_task_day),
            c_.run("daily_calls", slots).read_all(read_call_day)};
  }

  void rebuild_report_stats(TaskId task_id) override {
    const std::array ids{task_id};
    const auto params = Params{}.add(task_id);
    c_.run("lock_task_leads", params);  // as writers do: the leads, then the task
    lock_task_rows(c_, ids);
    c_.run("rebuild_call_stats_clear", params);
    c_.run("rebuild_call_stats", params);
    c_.run("rebuild_lead_stats", params);
  }
};

}  // namespace

std::unique_ptr<store_api::ReportStore> make_reports(Connection& c, store_api::TxMode) {
  return std::make_unique<PgReports>(c);
}

}  // namespace dialtrack::storage::postgres
