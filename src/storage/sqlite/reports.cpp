#include "storage/common/names.hpp"
#include "storage/common/report_stats.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

namespace {

/// A row of `report_by_status`, in its column order.
store_api::StatusCalls read_status_calls(const Statement& s) {
  return {s.text(0),
          s.int64(1),
          s.int64(2),
          s.int64(3),
          s.int64(4),
          timestamp(s.optional_int64(5)),
          timestamp(s.optional_int64(6))};
}

/// A row of `report_by_latest`.
store_api::LatestAttempts read_latest_attempts(const Statement& s) {
  return {s.text(0), s.int64(1), s.int64(2)};
}

/// A row of `report_by_hour` (the hour counted from the epoch).
store_api::HourCalls read_hour_calls(const Statement& s) {
  return {timestamp(s.int64(0) * 3'600'000), s.int64(1), s.int64(2)};
}

/// A row of `daily_created` or `daily_completed`: a day and its tasks.
store_api::DayCount read_task_day(const Statement& s) {
  return {s.int64(0), s.int64(1), 0};
}

/// A row of `daily_calls`: a day, its calls and the connected ones.
store_api::DayCount read_call_day(const Statement& s) {
  return {s.int64(0), s.int64(1), s.int64(2)};
}

}  // namespace

// add_call_stats: the report's aggregates (storage/common/report_stats.hpp), kept by
// upsert_records: a status row whose calls fell to 0 (every record moved out) takes the bounds of
// what is added next.
ReportStatements::ReportStatements(Database& db)
    : add_call_stats(db,
                     "INSERT INTO task_call_stats (task_id, call_status, slot, calls, "
                     "connected_calls, talk_seconds, talk_calls, first_at, last_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                     "ON CONFLICT (task_id, call_status, slot) DO UPDATE SET "
                     "calls = calls + excluded.calls, "
                     "connected_calls = connected_calls + excluded.connected_calls, "
                     "talk_seconds = talk_seconds + excluded.talk_seconds, "
                     "talk_calls = talk_calls + excluded.talk_calls, "
                     "first_at = CASE WHEN calls > 0 "
                     "THEN coalesce(min(first_at, excluded.first_at), first_at, excluded.first_at) "
                     "ELSE coalesce(excluded.first_at, first_at) END, "
                     "last_at = CASE WHEN calls > 0 "
                     "THEN coalesce(max(last_at, excluded.last_at), last_at, excluded.last_at) "
                     "ELSE coalesce(excluded.last_at, last_at) END"),
      rebuild_call_stats_clear(db, "DELETE FROM task_call_stats WHERE task_id = ?1"),
      rebuild_call_stats(db,
                         "INSERT INTO task_call_stats (task_id, call_status, slot, calls, "
                         "connected_calls, talk_seconds, talk_calls, first_at, last_at) "
                         "SELECT task_id, call_status, "
                         "coalesce(started_at, event_time, created_at) / 900000 AS slot, "
                         "count(*), sum(connected), "
                         "coalesce(sum(CASE WHEN connected THEN duration END), 0), "
                         "count(CASE WHEN connected THEN duration END), "
                         "min(coalesce(started_at, event_time, created_at)), "
                         "max(coalesce(started_at, event_time, created_at)) "
                         "FROM outbound_call_records WHERE task_id = ?1 "
                         "GROUP BY call_status, slot"),
      rebuild_lead_stats_clear(
          db,
          "UPDATE task_leads SET attempts = 0, latest_status = NULL, latest_at = NULL "
          "WHERE task_id = ?1 AND (attempts <> 0 OR latest_at IS NOT NULL)"),
      // The bare call_status is the latest attempt's: SQLite takes it from the row of the max().
      rebuild_lead_stats(
          db,
          "UPDATE task_leads SET attempts = a.attempts, latest_status = a.latest_status, "
          "latest_at = a.latest_at FROM (SELECT lead_id, count(*) AS attempts, "
          "call_status AS latest_status, "
          "max(coalesce(event_time, ended_at, started_at, created_at)) AS latest_at "
          "FROM outbound_call_records WHERE task_id = ?1 GROUP BY lead_id) AS a "
          "WHERE task_leads.lead_id = a.lead_id"),
      // Reports, from those aggregates: rows whose calls fell to 0 are left out.
      report_by_status(db,
                       "SELECT call_status, sum(calls), sum(connected_calls), "
                       "sum(talk_seconds), sum(talk_calls), min(first_at), max(last_at) "
                       "FROM task_call_stats WHERE task_id = ?1 AND calls > 0 "
                       "GROUP BY call_status"),
      report_by_latest(db,
                       "SELECT latest_status, attempts, count(*) FROM task_leads "
                       "WHERE task_id = ?1 AND attempts > 0 GROUP BY 1, 2"),
      report_by_hour(db,
                     "SELECT slot / 4 AS hour, sum(calls), sum(connected_calls) "
                     "FROM task_call_stats WHERE task_id = ?1 AND calls > 0 "
                     "GROUP BY hour ORDER BY hour"),
      daily_created(db,
                    "SELECT (created_at + ?3) / 86400000 AS day, count(*) FROM call_tasks "
                    "WHERE created_at >= ?1 AND created_at < ?2 GROUP BY day"),
      daily_completed(db,
                      "SELECT (completed_at + ?3) / 86400000 AS day, count(*) FROM call_tasks "
                      "WHERE completed_at >= ?1 AND completed_at < ?2 GROUP BY day"),
      // By quarter hour (?1, ?2: slots); a whole-quarter-hour offset keeps each in one day.
      daily_calls(db,
                  "SELECT (slot * 900000 + ?3) / 86400000 AS day, sum(calls), "
                  "sum(connected_calls) FROM task_call_stats "
                  "WHERE slot >= ?1 AND slot < ?2 AND calls > 0 GROUP BY day") {}

void apply_report_deltas(Connection& c, const report_stats::Deltas& deltas) {
  for (const auto& d : deltas.call_stats()) {
    c.reports->add_call_stats
        .bind(d.task_id, d.call_status, d.slot, d.calls, d.connected_calls, d.talk_seconds,
              d.talk_calls, d.first_at, d.last_at)
        .run();
  }
}

namespace {

/// The reports port: reads of the report's aggregates (storage/common/report_stats.hpp), and their
/// rebuild.
class SqliteReports final : public PortOn<store_api::ReportStore, Connection> {
 public:
  using PortOn::PortOn;

  store_api::TaskReportRows task_report(TaskId task_id) override {
    return {c_.reports->report_by_status.bind(task_id).read_all(read_status_calls),
            c_.reports->report_by_latest.bind(task_id).read_all(read_latest_attempts),
            c_.reports->report_by_hour.bind(task_id).read_all(read_hour_calls)};
  }

  store_api::DailyRows daily_counts(Timestamp from, Timestamp to,
                                    std::chrono::minutes utc_offset) override {
    report_stats::require_quarter_hours(utc_offset);
    const std::int64_t offset = std::chrono::milliseconds(utc_offset).count();
    auto& st = *c_.reports;
    return {st.daily_created.bind(millis(from), millis(to), offset).read_all(read_task_day),
            st.daily_completed.bind(millis(from), millis(to), offset).read_all(read_task_day),
            st.daily_calls
                .bind(report_stats::first_slot_at_or_after(from),
                      report_stats::first_slot_at_or_after(to), offset)
                .read_all(read_call_day)};
  }

  void rebuild_report_stats(TaskId task_id) override {
    c_.reports->rebuild_call_stats_clear.bind(task_id).run();
    c_.reports->rebuild_call_stats.bind(task_id).run();
    c_.reports->rebuild_lead_stats_clear.bind(task_id).run();
    c_.reports->rebuild_lead_stats.bind(task_id).run();
  }
};

}  // namespace

std::unique_ptr<store_api::ReportStore> make_reports(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteReports>(c);
}

}  // namespace dialtrack::storage::sqlite
