#include "storage/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "domain/webhooks.hpp"
#include "storage/like_pattern.hpp"
#include "storage/report_stats.hpp"
#include "storage/sqlite/group_commit.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_db.hpp"
#include "storage/time_columns.hpp"
#include "storage/webhook_rows.hpp"

namespace dialtrack::storage::sqlite {

using domain::Task;
using domain::Transition;

namespace {

constexpr const char* kTaskColumns =
    "task_id, name, job_group_id, task_type, total_calls, connected_calls, created_at, "
    "updated_at, completed_at";
constexpr const char* kWebhookColumns = "webhook_id, url, secret, events, created_at";
constexpr const char* kRecordColumns =
    "call_id, task_id, lead_id, phone, job_group_id, job_id, call_status, connected, started_at, "
    "ended_at, duration, event_time, extra, created_at, updated_at";

using time_columns::millis;
using time_columns::timestamp;

std::string sql(const char* head, const char* columns, const char* tail) {
  return std::string(head) + columns + tail;
}

}  // namespace

/// A connection with every statement the store uses, prepared once when it opens.
struct Connection {
  explicit Connection(const std::string& path) : db(path) {
    // busy_timeout first: another process may hold the file while we set it up.
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = OFF");
  }

  void prepare() {
    insert_task = Statement(db,
                            "INSERT INTO call_tasks (name, job_group_id, task_type, total_calls, "
                            "connected_calls, record_count, created_at, updated_at) "
                            "VALUES (?1, ?2, 1, 0, 0, 0, ?3, ?3)");
    find_task =
        Statement(db, sql("SELECT ", kTaskColumns, " FROM call_tasks WHERE task_id = ?1").c_str());
    list_tasks = Statement(db, sql("SELECT ", kTaskColumns,
                                   " FROM call_tasks ORDER BY task_id DESC LIMIT ?1 OFFSET ?2")
                                   .c_str());
    list_tasks_by_type = Statement(
        db, sql("SELECT ", kTaskColumns,
                " FROM call_tasks WHERE task_type = ?1 ORDER BY task_id DESC LIMIT ?2 OFFSET ?3")
                .c_str());
    count_tasks = Statement(db, "SELECT count(*) FROM call_tasks");
    count_tasks_by_type = Statement(db, "SELECT count(*) FROM call_tasks WHERE task_type = ?1");
    // Search by name (?1: a contains_pattern). SQLite's LIKE folds ASCII letters only. No index
    // serves it: a pattern that starts with '%' cannot use a b-tree, so this scans the tasks.
    list_tasks_by_name = Statement(db, sql("SELECT ", kTaskColumns,
                                           " FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\' "
                                           "ORDER BY task_id DESC LIMIT ?2 OFFSET ?3")
                                           .c_str());
    list_tasks_by_name_and_type =
        Statement(db, sql("SELECT ", kTaskColumns,
                          " FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\' AND task_type = ?2 "
                          "ORDER BY task_id DESC LIMIT ?3 OFFSET ?4")
                          .c_str());
    count_tasks_by_name =
        Statement(db, "SELECT count(*) FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\'");
    count_tasks_by_name_and_type = Statement(
        db, "SELECT count(*) FROM call_tasks WHERE name LIKE ?1 ESCAPE '\\' AND task_type = ?2");
    set_job_group = Statement(
        db, "UPDATE call_tasks SET job_group_id = ?2, updated_at = ?3 WHERE task_id = ?1");
    transition =
        Statement(db,
                  "UPDATE call_tasks SET task_type = ?3, updated_at = ?4, "
                  "completed_at = CASE ?3 WHEN 3 THEN ?4 WHEN 2 THEN NULL ELSE completed_at END "
                  "WHERE task_id = ?1 AND task_type = ?2");
    complete = Statement(db,
                         "UPDATE call_tasks SET task_type = 3, updated_at = ?2, completed_at = ?2 "
                         "WHERE task_id = ?1 AND task_type = 2 AND total_calls > 0 "
                         "AND connected_calls = total_calls");
    insert_history = Statement(db,
                               "INSERT INTO task_status_history (task_id, from_type, to_type, "
                               "reason, at) VALUES (?1, ?2, ?3, ?4, ?5)");
    history = Statement(db,
                        "SELECT from_type, to_type, reason, at FROM task_status_history "
                        "WHERE task_id = ?1 ORDER BY history_id");
    insert_lead = Statement(db,
                            "INSERT INTO task_leads (task_id, phone, name, job_id, attrs, "
                            "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                            "ON CONFLICT (task_id, phone) DO NOTHING");
    add_total_calls = Statement(db,
                                "UPDATE call_tasks SET total_calls = total_calls + ?2, "
                                "updated_at = ?3 WHERE task_id = ?1");
    find_lead = Statement(db,
                          "SELECT lead_id, connected_at IS NOT NULL FROM task_leads "
                          "WHERE task_id = ?1 AND phone = ?2");
    find_lead_by_group =
        Statement(db,
                  "SELECT l.task_id, l.lead_id, l.connected_at IS NOT NULL FROM call_tasks t "
                  "JOIN task_leads l ON l.task_id = t.task_id AND l.phone = ?2 "
                  "WHERE t.job_group_id = ?1 ORDER BY t.task_type = 4, t.task_id DESC LIMIT 1");
    mark_lead_connected =
        Statement(db,
                  "UPDATE task_leads SET connected_at = ?2 "
                  "WHERE lead_id = ?1 AND connected_at IS NULL RETURNING task_id");
    add_connected_calls = Statement(db,
                                    "UPDATE call_tasks SET connected_calls = connected_calls + ?2, "
                                    "updated_at = ?3 WHERE task_id = ?1");
    find_record = Statement(
        db,
        sql("SELECT ", kRecordColumns, " FROM outbound_call_records WHERE call_id = ?1").c_str());
    insert_record = Statement(
        db, sql("INSERT INTO outbound_call_records (", kRecordColumns,
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)")
                .c_str());
    update_record = Statement(db,
                              "UPDATE outbound_call_records SET job_group_id = ?2, job_id = ?3, "
                              "call_status = ?4, connected = ?5, started_at = ?6, ended_at = ?7, "
                              "duration = ?8, event_time = ?9, extra = ?10, updated_at = ?11 "
                              "WHERE call_id = ?1");
    // What an overwrite takes out of the report's aggregates: the stored version.
    find_record_stats = Statement(db,
                                  "SELECT task_id, lead_id, call_status, connected, started_at, "
                                  "ended_at, duration, event_time, created_at "
                                  "FROM outbound_call_records WHERE call_id = ?1");
    add_record_count = Statement(db,
                                 "UPDATE call_tasks SET record_count = record_count + ?2, "
                                 "updated_at = ?3 WHERE task_id = ?1");
    task_records =
        Statement(db, sql("SELECT ", kRecordColumns,
                          " FROM outbound_call_records WHERE task_id = ?1 ORDER BY record_id DESC "
                          "LIMIT ?2 OFFSET ?3")
                          .c_str());
    record_count = Statement(db, "SELECT record_count FROM call_tasks WHERE task_id = ?1");
    calling_tasks = Statement(db, sql("SELECT ", kTaskColumns,
                                      " FROM call_tasks WHERE task_type = 2 AND task_id > ?1 "
                                      "ORDER BY task_id LIMIT ?2")
                                      .c_str());
    acquire_lease = Statement(db,
                              "INSERT INTO job_leases (name, holder, expires_at) "
                              "VALUES (?1, ?2, ?4) ON CONFLICT (name) DO UPDATE "
                              "SET holder = excluded.holder, expires_at = excluded.expires_at "
                              "WHERE job_leases.holder = excluded.holder "
                              "OR job_leases.expires_at < ?3");
    release_lease = Statement(db, "DELETE FROM job_leases WHERE name = ?1 AND holder = ?2");
    audit_task = Statement(
        db,
        "SELECT t.task_id, t.total_calls, t.connected_calls, t.record_count, "
        "(SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id), "
        "(SELECT count(DISTINCT r.lead_id) FROM outbound_call_records r "
        "WHERE r.task_id = t.task_id AND r.connected), "
        "(SELECT count(*) FROM outbound_call_records r WHERE r.task_id = t.task_id), "
        "(SELECT coalesce(sum(calls), 0) FROM task_call_stats s "
        "WHERE s.task_id = t.task_id), "
        "(SELECT coalesce(sum(attempts), 0) FROM task_leads l WHERE l.task_id = t.task_id) "
        "FROM call_tasks t "
        "WHERE t.task_id = ?1");
    audit_tasks = Statement(
        db,
        "SELECT t.task_id, t.total_calls, t.connected_calls, t.record_count, "
        "(SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id), "
        "(SELECT count(DISTINCT r.lead_id) FROM outbound_call_records r "
        "WHERE r.task_id = t.task_id AND r.connected), "
        "(SELECT count(*) FROM outbound_call_records r WHERE r.task_id = t.task_id), "
        "(SELECT coalesce(sum(calls), 0) FROM task_call_stats s "
        "WHERE s.task_id = t.task_id), "
        "(SELECT coalesce(sum(attempts), 0) FROM task_leads l WHERE l.task_id = t.task_id) "
        "FROM call_tasks t "
        "WHERE t.task_id > ?1 ORDER BY t.task_id LIMIT ?2");
    repair_connect_leads = Statement(
        db,
        "UPDATE task_leads SET connected_at = ?2 WHERE task_id = ?1 AND connected_at IS NULL "
        "AND lead_id IN (SELECT lead_id FROM outbound_call_records WHERE task_id = ?1 AND "
        "connected)");
    repair_disconnect_leads = Statement(
        db,
        "UPDATE task_leads SET connected_at = NULL WHERE task_id = ?1 AND connected_at IS NOT NULL "
        "AND lead_id NOT IN (SELECT lead_id FROM outbound_call_records "
        "WHERE task_id = ?1 AND connected)");
    // The payload is the webhook body; `at` is formatted as domain::format_timestamp does, and
    // the PostgreSQL store writes the same bytes.
    insert_event =
        Statement(db,
                  "INSERT INTO outbox_events (event_id, task_id, event_type, payload, created_at) "
                  "SELECT e.id, ?1, ?2, json_object('event_id', e.id, 'event', ?2, 'task_id', ?1, "
                  "'from', ?3, 'to', ?4, 'reason', ?5, 'at', "
                  "strftime('%Y-%m-%dT%H:%M:%S', ?6 / 1000, 'unixepoch') || "
                  "CASE WHEN ?6 % 1000 = 0 THEN '' ELSE printf('.%03d', ?6 % 1000) END || 'Z'), ?6 "
                  "FROM (SELECT lower(hex(randomblob(16))) AS id) AS e RETURNING event_id");
    insert_deliveries = Statement(
        db,
        "INSERT INTO webhook_deliveries (event_id, webhook_id, task_id, status, attempts, "
        "next_attempt_at) SELECT ?1, webhook_id, ?2, 'pending', 0, ?4 FROM webhooks "
        "WHERE deleted = 0 AND instr(',' || events || ',', ',' || ?3 || ',') > 0");
    insert_webhook = Statement(db, sql("INSERT INTO webhooks (url, secret, events, created_at) "
                                       "VALUES (?1, ?2, ?3, ?4) RETURNING ",
                                       kWebhookColumns, "")
                                       .c_str());
    find_webhook_by_url =
        Statement(db,
                  "SELECT webhook_id FROM webhooks WHERE url = ?1 AND deleted = 0 "
                  "ORDER BY webhook_id LIMIT 1");
    update_webhook = Statement(
        db, sql("UPDATE webhooks SET secret = ?2, events = ?3 WHERE webhook_id = ?1 RETURNING ",
                kWebhookColumns, "")
                .c_str());
    list_webhooks = Statement(
        db, sql("SELECT ", kWebhookColumns, " FROM webhooks WHERE deleted = 0 ORDER BY webhook_id")
                .c_str());
    find_webhook = Statement(
        db, sql("SELECT ", kWebhookColumns, " FROM webhooks WHERE webhook_id = ?1 AND deleted = 0")
                .c_str());
    delete_webhook =
        Statement(db, "UPDATE webhooks SET deleted = 1 WHERE webhook_id = ?1 AND deleted = 0");
    fail_webhook_deliveries = Statement(
        db,
        "UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook deleted', "
        "next_attempt_at = ?2, claimed_by = NULL, claimed_until = NULL "
        "WHERE webhook_id = ?1 AND status = 'pending'");
    // SQLite has one writer at a time, so the conditional UPDATE is the whole claim.
    claim_deliveries =
        Statement(db,
                  "UPDATE webhook_deliveries SET claimed_by = ?1, claimed_until = ?3 "
                  "WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries "
                  "WHERE status = 'pending' AND next_attempt_at <= ?2 "
                  "AND (claimed_until IS NULL OR claimed_until < ?2) "
                  "ORDER BY next_attempt_at, delivery_id LIMIT ?4) RETURNING delivery_id");
    due_delivery =
        Statement(db,
                  "SELECT d.delivery_id, d.event_id, e.event_type, d.webhook_id, d.task_id, w.url, "
                  "w.secret, e.payload, d.attempts FROM webhook_deliveries d "
                  "JOIN outbox_events e ON e.event_id = d.event_id "
                  "JOIN webhooks w ON w.webhook_id = d.webhook_id WHERE d.delivery_id = ?1");
    finish_delivery = Statement(
        db,
        "UPDATE webhook_deliveries SET status = ?2, attempts = attempts + 1, next_attempt_at = ?3, "
        "last_error = ?4, last_status = ?5, "
        "delivered_at = CASE ?2 WHEN 'delivered' THEN ?6 ELSE delivered_at END, "
        "claimed_by = NULL, claimed_until = NULL WHERE delivery_id = ?1 AND status = 'pending'");
    deliveries_of = Statement(
        db,
        "SELECT d.delivery_id, d.event_id, e.event_type, d.task_id, d.status, d.attempts, "
        "d.last_error, d.last_status, d.next_attempt_at, d.delivered_at "
        "FROM webhook_deliveries d JOIN outbox_events e ON e.event_id = d.event_id "
        "WHERE d.webhook_id = ?1 ORDER BY d.delivery_id DESC LIMIT ?2 OFFSET ?3");
    count_deliveries =
        Statement(db, "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ?1");
    outbox_backlog =
        Statement(db, "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'");
    // Both statements pick the same events: deleting their deliveries changes none of the
    // conditions, and the write transaction sees no one else's changes in between.
    prune_deliveries = Statement(db,
                                 "DELETE FROM webhook_deliveries WHERE event_id IN ("
                                 "SELECT e.event_id FROM outbox_events e WHERE e.created_at < ?1 "
                                 "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE "
                                 "d.event_id = e.event_id AND d.status = 'pending') "
                                 "ORDER BY e.created_at LIMIT ?2)");
    prune_events = Statement(db,
                             "DELETE FROM outbox_events WHERE event_id IN ("
                             "SELECT e.event_id FROM outbox_events e WHERE e.created_at < ?1 "
                             "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE "
                             "d.event_id = e.event_id AND d.status = 'pending') "
                             "ORDER BY e.created_at LIMIT ?2)");
    // The report's aggregates (storage/report_stats.hpp), kept by upsert_records: a status row
    // whose calls fell to 0 (every record moved out) takes the bounds of what is added next.
    add_call_stats = Statement(
        db,
        "INSERT INTO task_call_stats (task_id, call_status, slot, calls, connected_calls, "
        "talk_seconds, talk_calls, first_at, last_at) "
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
        "ELSE coalesce(excluded.last_at, last_at) END");
    // The candidate (?3, ?4) becomes the latest attempt when it is at least as late, or when
    // the batch overwrote the stored latest attempt (its old time ?5 reaches latest_at).
    add_lead_stats = Statement(
        db,
        "UPDATE task_leads SET attempts = attempts + ?2, "
        "latest_status = CASE WHEN latest_at IS NULL OR ?4 >= latest_at OR latest_at <= ?5 "
        "THEN ?3 ELSE latest_status END, "
        "latest_at = CASE WHEN latest_at IS NULL OR ?4 >= latest_at OR latest_at <= ?5 "
        "THEN ?4 ELSE latest_at END WHERE lead_id = ?1");
    rebuild_call_stats_clear = Statement(db, "DELETE FROM task_call_stats WHERE task_id = ?1");
    rebuild_call_stats = Statement(
        db,
        "INSERT INTO task_call_stats (task_id, call_status, slot, calls, connected_calls, "
        "talk_seconds, talk_calls, first_at, last_at) "
        "SELECT task_id, call_status, "
        "coalesce(started_at, event_time, created_at) / 900000 AS slot, count(*), "
        "sum(connected), coalesce(sum(CASE WHEN connected THEN duration END), 0), "
        "count(CASE WHEN connected THEN duration END), "
        "min(coalesce(started_at, event_time, created_at)), "
        "max(coalesce(started_at, event_time, created_at)) "
        "FROM outbound_call_records WHERE task_id = ?1 GROUP BY call_status, slot");
    rebuild_lead_stats_clear =
        Statement(db,
                  "UPDATE task_leads SET attempts = 0, latest_status = NULL, latest_at = NULL "
                  "WHERE task_id = ?1 AND (attempts <> 0 OR latest_at IS NOT NULL)");
    // The bare call_status is the latest attempt's: SQLite takes it from the row of the max().
    rebuild_lead_stats =
        Statement(db,
                  "UPDATE task_leads SET attempts = a.attempts, latest_status = a.latest_status, "
                  "latest_at = a.latest_at FROM (SELECT lead_id, count(*) AS attempts, "
                  "call_status AS latest_status, "
                  "max(coalesce(event_time, ended_at, started_at, created_at)) AS latest_at "
                  "FROM outbound_call_records WHERE task_id = ?1 GROUP BY lead_id) AS a "
                  "WHERE task_leads.lead_id = a.lead_id");
    // Reports, from those aggregates: rows whose calls fell to 0 are left out.
    report_by_status = Statement(db,
                                 "SELECT call_status, sum(calls), sum(connected_calls), "
                                 "sum(talk_seconds), sum(talk_calls), min(first_at), max(last_at) "
                                 "FROM task_call_stats WHERE task_id = ?1 AND calls > 0 "
                                 "GROUP BY call_status");
    report_by_latest = Statement(db,
                                 "SELECT latest_status, attempts, count(*) FROM task_leads "
                                 "WHERE task_id = ?1 AND attempts > 0 GROUP BY 1, 2");
    report_by_hour = Statement(db,
                               "SELECT slot / 4 AS hour, sum(calls), sum(connected_calls) "
                               "FROM task_call_stats WHERE task_id = ?1 AND calls > 0 "
                               "GROUP BY hour ORDER BY hour");
    daily_created =
        Statement(db,
                  "SELECT (created_at + ?3) / 86400000 AS day, count(*) FROM call_tasks "
                  "WHERE created_at >= ?1 AND created_at < ?2 GROUP BY day");
    daily_completed =
        Statement(db,
                  "SELECT (completed_at + ?3) / 86400000 AS day, count(*) FROM call_tasks "
                  "WHERE completed_at >= ?1 AND completed_at < ?2 GROUP BY day");
    // By quarter hour (?1, ?2: slots); a whole-quarter-hour offset keeps each in one day.
    daily_calls = Statement(db,
                            "SELECT (slot * 900000 + ?3) / 86400000 AS day, sum(calls), "
                            "sum(connected_calls) FROM task_call_stats "
                            "WHERE slot >= ?1 AND slot < ?2 AND calls > 0 GROUP BY day");
    task_records_after =
        Statement(db, sql("SELECT ", kRecordColumns,
                          ", record_id FROM outbound_call_records WHERE task_id = ?1 "
                          "AND record_id > ?2 ORDER BY record_id LIMIT ?3")
                          .c_str());
    repair_counters =
        Statement(db,
                  "UPDATE call_tasks SET "
                  "total_calls = (SELECT count(*) FROM task_leads WHERE task_id = ?1), "
                  "connected_calls = (SELECT count(*) FROM task_leads "
                  "WHERE task_id = ?1 AND connected_at IS NOT NULL), "
                  "record_count = (SELECT count(*) FROM outbound_call_records WHERE task_id = ?1), "
                  "updated_at = ?2 WHERE task_id = ?1");
    find_sync_cursor = Statement(db,
                                 "SELECT cursor, updated_at FROM dialer_sync_cursors "
                                 "WHERE account = ?1 AND job_group_id = ?2");
    insert_sync_cursor = Statement(db,
                                   "INSERT INTO dialer_sync_cursors (account, job_group_id, "
                                   "cursor, updated_at) VALUES (?1, ?2, ?3, ?4) "
                                   "ON CONFLICT (account, job_group_id) DO NOTHING");
    update_sync_cursor = Statement(db,
                                   "UPDATE dialer_sync_cursors SET cursor = ?4, updated_at = ?5 "
                                   "WHERE account = ?1 AND job_group_id = ?2 AND cursor = ?3");
    record_sync = Statement(
        db,
        "INSERT INTO task_sync_state (task_id, last_sync_at, last_sync_error, last_sync_records) "
        "SELECT task_id, ?2, ?3, ?4 FROM call_tasks WHERE job_group_id = ?1 AND task_type <> 4 "
        "ON CONFLICT (task_id) DO UPDATE SET last_sync_at = excluded.last_sync_at, "
        "last_sync_error = excluded.last_sync_error, "
        "last_sync_records = excluded.last_sync_records");
    task_sync = Statement(db,
                          "SELECT last_sync_at, last_sync_error, last_sync_records "
                          "FROM task_sync_state WHERE task_id = ?1");
    calling_job_groups =
        Statement(db,
                  "SELECT DISTINCT job_group_id FROM call_tasks WHERE task_type = 2 "
                  "AND job_group_id IS NOT NULL AND job_group_id > ?1 "
                  "ORDER BY job_group_id LIMIT ?2");
  }

  Database db;
  Statement insert_task, find_task, list_tasks, list_tasks_by_type, count_tasks,
      count_tasks_by_type, list_tasks_by_name, list_tasks_by_name_and_type, count_tasks_by_name,
      count_tasks_by_name_and_type, set_job_group, transition, complete, insert_history, history,
      insert_lead, add_total_calls, find_lead, find_lead_by_group, mark_lead_connected,
      add_connected_calls, find_record, insert_record, update_record, add_record_count,
      task_records, record_count, calling_tasks, acquire_lease, release_lease, audit_task,
      audit_tasks, repair_connect_leads, repair_disconnect_leads, repair_counters, insert_event,
      insert_deliveries, insert_webhook, find_webhook_by_url, update_webhook, list_webhooks,
      find_webhook, delete_webhook, fail_webhook_deliveries, claim_deliveries, due_delivery,
      finish_delivery, deliveries_of, count_deliveries, outbox_backlog, prune_deliveries,
      prune_events, report_by_status, report_by_latest, report_by_hour, daily_created,
      daily_completed, daily_calls, task_records_after;
  // The report's aggregates.
  Statement find_record_stats, add_call_stats, add_lead_stats, rebuild_call_stats_clear,
      rebuild_call_stats, rebuild_lead_stats_clear, rebuild_lead_stats;
  // Dialer sync.
  Statement find_sync_cursor, insert_sync_cursor, update_sync_cursor, record_sync, task_sync,
      calling_job_groups;
};

namespace {

Task read_task(const Statement& s) {
  Task t;
  t.task_id = s.int64(0);
  t.name = s.text(1);
  t.job_group_id = s.optional_text(2);
  t.task_type = static_cast<domain::TaskType>(s.int64(3));
  t.total_calls = s.int64(4);
  t.connected_calls = s.int64(5);
  t.created_at = timestamp(s.int64(6));
  t.updated_at = timestamp(s.int64(7));
  t.completed_at = timestamp(s.optional_int64(8));
  return t;
}

StoredRecord read_record(const Statement& s) {
  StoredRecord out;
  auto& r = out.record;
  r.call_id = s.text(0);
  r.task_id = s.int64(1);
  out.lead_id = s.int64(2);
  r.phone = s.text(3);
  r.fields.job_group_id = s.optional_text(4);
  r.fields.job_id = s.optional_text(5);
  r.fields.call_status = s.text(6);
  r.connected = s.int64(7) != 0;
  r.fields.started_at = timestamp(s.optional_int64(8));
  r.fields.ended_at = timestamp(s.optional_int64(9));
  r.fields.duration = s.optional_int64(10);
  r.fields.event_time = timestamp(s.optional_int64(11));
  r.fields.extra_json = s.optional_text(12);
  r.created_at = timestamp(s.int64(13));
  r.updated_at = timestamp(s.int64(14));
  return out;
}

/// The stored version of a record as the report's aggregates count it (find_record_stats),
/// and its created_at.
std::pair<report_stats::Contribution, Timestamp> read_contribution(const Statement& s) {
  domain::RecordFields fields;
  fields.call_status = s.text(2);
  fields.started_at = timestamp(s.optional_int64(4));
  fields.ended_at = timestamp(s.optional_int64(5));
  fields.duration = s.optional_int64(6);
  fields.event_time = timestamp(s.optional_int64(7));
  const Timestamp created_at = timestamp(s.int64(8));
  return {report_stats::contribution(s.int64(0), s.int64(1), fields, s.int64(3) != 0, created_at),
          created_at};
}

Webhook read_webhook(const Statement& s) {
  return {s.int64(0), s.text(1), s.text(2), webhook_rows::split_events(s.text(3)),
          timestamp(s.int64(4))};
}

/// The operations of a transaction on one connection; how it begins and ends is up to the
/// read and write transactions below.
class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

 protected:
  explicit SqliteTransaction(Connection& connection) : c_(connection) {}
  ~SqliteTransaction() override = default;

 public:
  TaskId insert_task(std::string_view name, const std::optional<std::string>& job_group_id,
                     Timestamp now) override {
    c_.insert_task.bind(name, job_group_id, millis(now)).run();
    const TaskId id = c_.db.last_insert_rowid();
    c_.insert_history
        .bind(id, std::nullopt, static_cast<int>(domain::TaskType::kCreated),
              domain::reason::kCreated, millis(now))
        .run();
    return id;
  }

  void lock_tasks(std::span<const TaskId> /*task_ids*/) override {
    // The writer connection runs one write transaction at a time: nothing to lock.
  }

  std::optional<Task> find_task(TaskId task_id) override {
    auto& s = c_.find_task.bind(task_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return read_task(s);
  }

  std::vector<Task> find_tasks(std::span<const TaskId> task_ids) override {
    std::vector<TaskId> ids(task_ids.begin(), task_ids.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<Task> out;
    for (const TaskId id : ids) {
      if (auto task = find_task(id)) {
        out.push_back(std::move(*task));
      }
    }
    return out;
  }

  TaskPage list_tasks(const TaskListQuery& query) override {
    TaskPage page;
    const std::int64_t offset = (query.page - 1) * query.page_size;
    Statement* rows = nullptr;
    Statement* count = nullptr;
    const int type = query.task_type ? static_cast<int>(*query.task_type) : 0;
    if (query.name_contains) {
      const auto pattern = contains_pattern(*query.name_contains);
      if (query.task_type) {
        rows = &c_.list_tasks_by_name_and_type.bind(pattern, type, query.page_size, offset);
        count = &c_.count_tasks_by_name_and_type.bind(pattern, type);
      } else {
        rows = &c_.list_tasks_by_name.bind(pattern, query.page_size, offset);
        count = &c_.count_tasks_by_name.bind(pattern);
      }
    } else if (query.task_type) {
      rows = &c_.list_tasks_by_type.bind(type, query.page_size, offset);
      count = &c_.count_tasks_by_type.bind(type);
    } else {
      rows = &c_.list_tasks.bind(query.page_size, offset);
      count = &c_.count_tasks.bind();
    }
    while (rows->step()) {
      page.items.push_back(read_task(*rows));
    }
    if (count->step()) {
      page.total = count->int64(0);
    }
    return page;
  }

  void set_job_group(TaskId task_id, std::string_view job_group_id, Timestamp now) override {
    c_.set_job_group.bind(task_id, job_group_id, millis(now)).run();
  }

  bool transition(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                  Timestamp now) override {
    c_.transition.bind(task_id, static_cast<int>(from), static_cast<int>(to), millis(now)).run();
    if (c_.db.changes() != 1) {
      return false;
    }
    c_.insert_history
        .bind(task_id, static_cast<int>(from), static_cast<int>(to), reason, millis(now))
        .run();
    write_events(task_id, from, to, reason, now);
    return true;
  }

  bool complete_if_counters_full(TaskId task_id, std::string_view reason, Timestamp now) override {
    c_.complete.bind(task_id, millis(now)).run();
    if (c_.db.changes() != 1) {
      return false;
    }
    c_.insert_history
        .bind(task_id, static_cast<int>(TaskType::kCalling), static_cast<int>(TaskType::kCompleted),
              reason, millis(now))
        .run();
    write_events(task_id, TaskType::kCalling, TaskType::kCompleted, reason, now);
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

  std::vector<Transition> history(TaskId task_id) override {
    std::vector<Transition> out;
    auto& s = c_.history.bind(task_id);
    while (s.step()) {
      Transition t;
      if (const auto from = s.optional_int64(0)) {
        t.from = static_cast<TaskType>(*from);
      }
      t.to = static_cast<TaskType>(s.int64(1));
      t.reason = s.text(2);
      t.at = timestamp(s.int64(3));
      out.push_back(std::move(t));
    }
    return out;
  }

  std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                            Timestamp now) override {
    std::int64_t added = 0;
    for (const auto& lead : leads) {
      c_.insert_lead.bind(task_id, lead.phone, lead.name, lead.job_id, lead.attrs_json, millis(now))
          .run();
      added += c_.db.changes();
    }
    if (added > 0) {
      c_.add_total_calls.bind(task_id, added, millis(now)).run();
    }
    return added;
  }

  std::vector<LeadMatch> find_leads(std::span<const std::pair<TaskId, std::string>> keys) override {
    std::vector<LeadMatch> out;
    for (const auto& [task_id, phone] : keys) {
      auto& s = c_.find_lead.bind(task_id, phone);
      if (s.step()) {
        out.push_back({task_id, s.int64(0), phone, s.int64(1) != 0});
      }
    }
    return out;
  }

  std::vector<JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) override {
    std::vector<JobGroupLeadMatch> out;
    for (const auto& [job_group_id, phone] : keys) {
      auto& s = c_.find_lead_by_group.bind(job_group_id, phone);
      if (s.step()) {
        out.push_back({job_group_id, {s.int64(0), s.int64(1), phone, s.int64(2) != 0}});
      }
    }
    return out;
  }

  std::vector<ConnectedIncrement> mark_leads_connected(std::span<const LeadId> lead_ids,
                                                       Timestamp now) override {
    std::map<TaskId, std::int64_t> per_task;
    for (const LeadId id : lead_ids) {
      auto& s = c_.mark_lead_connected.bind(id, millis(now));
      while (s.step()) {
        ++per_task[s.int64(0)];
      }
    }
    std::vector<ConnectedIncrement> out;
    for (const auto& [task_id, count] : per_task) {
      c_.add_connected_calls.bind(task_id, count, millis(now)).run();
      out.push_back({task_id, count});
    }
    return out;
  }

  std::vector<StoredRecord> find_records(std::span<const std::string> call_ids) override {
    std::vector<StoredRecord> out;
    for (const auto& call_id : call_ids) {
      auto& s = c_.find_record.bind(call_id);
      if (s.step()) {
        out.push_back(read_record(s));
      }
    }
    return out;
  }

  void upsert_records(std::span<const RecordWrite> records, Timestamp now) override {
    std::map<TaskId, std::int64_t> inserted;
    report_stats::Deltas deltas;
    for (const auto& r : records) {
      const auto& f = r.fields;
      if (r.is_new) {
        c_.insert_record
            .bind(r.call_id, r.task_id, r.lead_id, r.phone, f.job_group_id, f.job_id, f.call_status,
                  r.connected ? 1 : 0, millis(f.started_at), millis(f.ended_at), f.duration,
                  millis(f.event_time), f.extra_json, millis(now))
            .run();
        ++inserted[r.task_id];
        deltas.insert(report_stats::contribution(r.task_id, r.lead_id, f, r.connected, now));
      } else {
        // The stored version leaves the aggregates; the row is hot: the caller just read it.
        auto& stored = c_.find_record_stats.bind(r.call_id);
        if (!stored.step()) {
          continue;  // nothing to overwrite
        }
        const auto before = read_contribution(stored);
        c_.update_record
            .bind(r.call_id, f.job_group_id, f.job_id, f.call_status, r.connected ? 1 : 0,
                  millis(f.started_at), millis(f.ended_at), f.duration, millis(f.event_time),
                  f.extra_json, millis(now))
            .run();
        deltas.update(before.first,
                      report_stats::contribution(before.first.task_id, before.first.lead_id, f,
                                                 r.connected, before.second));
      }
    }
    for (const auto& [task_id, count] : inserted) {
      c_.add_record_count.bind(task_id, count, millis(now)).run();
    }
    for (const auto& d : deltas.call_stats()) {
      c_.add_call_stats
          .bind(d.task_id, d.call_status, d.slot, d.calls, d.connected_calls, d.talk_seconds,
                d.talk_calls, d.first_at, d.last_at)
          .run();
    }
    for (const auto& d : deltas.lead_stats()) {
      c_.add_lead_stats.bind(d.lead_id, d.attempts, d.latest_status, d.latest_at, d.replaced_at)
          .run();
    }
  }

  std::vector<Task> calling_tasks(TaskId after, std::int64_t limit) override {
    std::vector<Task> out;
    auto& s = c_.calling_tasks.bind(after, limit);
    while (s.step()) {
      out.push_back(read_task(s));
    }
    return out;
  }

  bool acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                     std::chrono::milliseconds ttl) override {
    c_.acquire_lease.bind(name, holder, millis(now), millis(now + ttl)).run();
    return c_.db.changes() == 1;
  }

  void release_lease(std::string_view name, std::string_view holder) override {
    c_.release_lease.bind(name, holder).run();
  }

  std::vector<CounterAudit> audit_counters(std::optional<TaskId> task_id, TaskId after,
                                           std::int64_t limit) override {
    auto& s = task_id ? c_.audit_task.bind(*task_id) : c_.audit_tasks.bind(after, limit);
    std::vector<CounterAudit> out;
    while (s.step()) {
      out.push_back({s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.int64(4), s.int64(5),
                     s.int64(6), s.int64(7), s.int64(8)});
    }
    return out;
  }

  void repair_counters(TaskId task_id, Timestamp now) override {
    c_.repair_connect_leads.bind(task_id, millis(now)).run();
    c_.repair_disconnect_leads.bind(task_id).run();
    c_.repair_counters.bind(task_id, millis(now)).run();
  }

  void rebuild_report_stats(TaskId task_id) override {
    c_.rebuild_call_stats_clear.bind(task_id).run();
    c_.rebuild_call_stats.bind(task_id).run();
    c_.rebuild_lead_stats_clear.bind(task_id).run();
    c_.rebuild_lead_stats.bind(task_id).run();
  }

  Webhook insert_webhook(std::string_view url, std::string_view secret,
                         std::span<const std::string> events, Timestamp now) override {
    auto& s = c_.insert_webhook.bind(url, secret, webhook_rows::join_events(events), millis(now));
    s.step();
    return read_webhook(s);
  }

  Webhook upsert_webhook(std::string_view url, std::string_view secret,
                         std::span<const std::string> events, Timestamp now) override {
    // Write transactions are serialised, so the look-up and the write see the same state.
    auto& found = c_.find_webhook_by_url.bind(url);
    if (!found.step()) {
      return insert_webhook(url, secret, events, now);
    }
    const auto id = found.int64(0);
    auto& s = c_.update_webhook.bind(id, secret, webhook_rows::join_events(events));
    s.step();
    return read_webhook(s);
  }

  std::vector<Webhook> list_webhooks() override {
    std::vector<Webhook> out;
    auto& s = c_.list_webhooks.bind();
    while (s.step()) {
      out.push_back(read_webhook(s));
    }
    return out;
  }

  std::optional<Webhook> find_webhook(std::int64_t webhook_id) override {
    auto& s = c_.find_webhook.bind(webhook_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return read_webhook(s);
  }

  bool delete_webhook(std::int64_t webhook_id, Timestamp now) override {
    c_.delete_webhook.bind(webhook_id).run();
    if (c_.db.changes() != 1) {
      return false;
    }
    c_.fail_webhook_deliveries.bind(webhook_id, millis(now)).run();
    return true;
  }

  std::vector<DueDelivery> claim_deliveries(std::string_view holder, Timestamp now,
                                            std::chrono::milliseconds lease,
                                            std::int64_t limit) override {
    std::vector<std::int64_t> ids;
    auto& claim = c_.claim_deliveries.bind(holder, millis(now), millis(now + lease), limit);
    while (claim.step()) {
      ids.push_back(claim.int64(0));
    }
    std::sort(ids.begin(), ids.end());
    std::vector<DueDelivery> out;
    for (const auto id : ids) {
      auto& s = c_.due_delivery.bind(id);
      if (s.step()) {
        out.push_back({s.int64(0), s.text(1), s.text(2), s.int64(3), s.int64(4), s.text(5),
                       s.text(6), s.text(7), s.int64(8)});
      }
    }
    return out;
  }

  bool finish_delivery(std::int64_t delivery_id, const DeliveryOutcome& outcome,
                       Timestamp now) override {
    const bool retry = outcome.status == DeliveryStatus::kPending;
    c_.finish_delivery
        .bind(delivery_id, webhook_rows::status_text(outcome.status),
              millis(retry ? outcome.retry_at : now), outcome.error, outcome.http_status,
              millis(now))
        .run();
    return c_.db.changes() == 1;
  }

  DeliveryPage deliveries_of(std::int64_t webhook_id, std::int64_t page,
                             std::int64_t page_size) override {
    DeliveryPage out;
    auto& s = c_.deliveries_of.bind(webhook_id, page_size, (page - 1) * page_size);
    while (s.step()) {
      DeliveryRow row;
      row.delivery_id = s.int64(0);
      row.event_id = s.text(1);
      row.event_type = s.text(2);
      row.task_id = s.int64(3);
      row.status = webhook_rows::status_from_text(s.text(4));
      row.attempts = s.int64(5);
      row.last_error = s.optional_text(6);
      if (const auto status = s.optional_int64(7)) {
        row.last_status = static_cast<int>(*status);
      }
      row.next_attempt_at = timestamp(s.int64(8));
      row.delivered_at = timestamp(s.optional_int64(9));
      out.items.push_back(std::move(row));
    }
    auto& count = c_.count_deliveries.bind(webhook_id);
    if (count.step()) {
      out.total = count.int64(0);
    }
    return out;
  }

  std::int64_t outbox_backlog() override {
    auto& s = c_.outbox_backlog.bind();
    return s.step() ? s.int64(0) : 0;
  }

  std::int64_t prune_outbox(Timestamp before, std::int64_t limit) override {
    c_.prune_deliveries.bind(millis(before), limit).run();
    c_.prune_events.bind(millis(before), limit).run();
    return c_.db.changes();
  }

  RecordPage task_records(TaskId task_id, std::int64_t page, std::int64_t page_size) override {
    RecordPage out;
    auto& s = c_.task_records.bind(task_id, page_size, (page - 1) * page_size);
    while (s.step()) {
      out.items.push_back(read_record(s).record);
    }
    auto& count = c_.record_count.bind(task_id);
    if (count.step()) {
      out.total = count.int64(0);
    }
    return out;
  }

  TaskReportRows task_report(TaskId task_id) override {
    TaskReportRows out;
    auto& status = c_.report_by_status.bind(task_id);
    while (status.step()) {
      out.by_status.push_back({status.text(0), status.int64(1), status.int64(2), status.int64(3),
                               status.int64(4), timestamp(status.optional_int64(5)),
                               timestamp(status.optional_int64(6))});
    }
    auto& latest = c_.report_by_latest.bind(task_id);
    while (latest.step()) {
      out.by_latest.push_back({latest.text(0), latest.int64(1), latest.int64(2)});
    }
    auto& hour = c_.report_by_hour.bind(task_id);
    while (hour.step()) {
      out.by_hour.push_back({timestamp(hour.int64(0) * 3'600'000), hour.int64(1), hour.int64(2)});
    }
    return out;
  }

  DailyRows daily_counts(Timestamp from, Timestamp to, std::chrono::minutes utc_offset) override {
    report_stats::require_quarter_hours(utc_offset);
    const std::int64_t offset = std::chrono::milliseconds(utc_offset).count();
    DailyRows out;
    auto& created = c_.daily_created.bind(millis(from), millis(to), offset);
    while (created.step()) {
      out.tasks_created.push_back({created.int64(0), created.int64(1), 0});
    }
    auto& completed = c_.daily_completed.bind(millis(from), millis(to), offset);
    while (completed.step()) {
      out.tasks_completed.push_back({completed.int64(0), completed.int64(1), 0});
    }
    auto& calls = c_.daily_calls.bind(report_stats::first_slot_at_or_after(from),
                                      report_stats::first_slot_at_or_after(to), offset);
    while (calls.step()) {
      out.calls.push_back({calls.int64(0), calls.int64(1), calls.int64(2)});
    }
    return out;
  }

  std::vector<std::pair<std::int64_t, domain::CallRecord>> task_records_after(
      TaskId task_id, std::int64_t after, std::int64_t limit) override {
    std::vector<std::pair<std::int64_t, domain::CallRecord>> out;
    auto& s = c_.task_records_after.bind(task_id, after, limit);
    while (s.step()) {
      out.emplace_back(s.int64(15), read_record(s).record);
    }
    return out;
  }

  std::optional<SyncCursor> find_sync_cursor(std::string_view account,
                                             std::string_view job_group_id) override {
    auto& s = c_.find_sync_cursor.bind(account, job_group_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return SyncCursor{s.text(0), timestamp(s.int64(1))};
  }

  bool advance_sync_cursor(std::string_view account, std::string_view job_group_id,
                           const std::optional<std::string>& expected, std::string_view next,
                           Timestamp now) override {
    if (expected) {
      c_.update_sync_cursor.bind(account, job_group_id, *expected, next, millis(now)).run();
    } else {
      c_.insert_sync_cursor.bind(account, job_group_id, next, millis(now)).run();
    }
    return c_.db.changes() == 1;
  }

  std::int64_t record_sync(std::string_view job_group_id, const TaskSyncState& state) override {
    c_.record_sync
        .bind(job_group_id, millis(state.last_sync_at), state.last_sync_error,
              state.last_sync_records)
        .run();
    return c_.db.changes();
  }

  std::optional<TaskSyncState> task_sync(TaskId task_id) override {
    auto& s = c_.task_sync.bind(task_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return TaskSyncState{timestamp(s.int64(0)), s.optional_text(1), s.int64(2)};
  }

  std::vector<std::string> calling_job_groups(std::string_view after, std::int64_t limit) override {
    std::vector<std::string> out;
    auto& s = c_.calling_job_groups.bind(after, limit);
    while (s.step()) {
      out.push_back(s.text(0));
    }
    return out;
  }

 protected:
  Connection& c_;

 private:
  /// The outbox events of a status change and a pending delivery per subscribed webhook.
  void write_events(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                    Timestamp now) {
    write_event(domain::event::kStatusChanged, task_id, from, to, reason, now);
    if (to == TaskType::kCompleted) {
      write_event(domain::event::kCompleted, task_id, from, to, reason, now);
    }
  }

  void write_event(std::string_view event, TaskId task_id, TaskType from, TaskType to,
                   std::string_view reason, Timestamp now) {
    auto& s = c_.insert_event.bind(task_id, event, static_cast<int>(from), static_cast<int>(to),
                                   reason, millis(now));
    if (!s.step()) {
      throw StoreError("SQLite: the outbox event of task " + std::to_string(task_id) +
                       " was not written");
    }
    const std::string event_id = s.text(0);
    c_.insert_deliveries.bind(event_id, task_id, event, millis(now)).run();
  }
};

/// A read transaction on a pooled connection, given back to the store when it ends.
class ReadTransaction final : public SqliteTransaction {
 public:
  ReadTransaction(SqliteStore& store, std::unique_ptr<Connection> reader)
      : SqliteTransaction(*reader), store_(store), reader_(std::move(reader)) {
    try {
      c_.db.exec("BEGIN");
    } catch (const StoreError&) {
      store_.release_reader(std::move(reader_));
      throw;
    }
  }
  ~ReadTransaction() override {
    c_.db.reset_statements();
    if (!done_) {
      sqlite3_exec(c_.db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    store_.release_reader(std::move(reader_));
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

  void commit() override {
    c_.db.reset_statements();
    c_.db.exec("COMMIT");
    done_ = true;
  }

 private:
  SqliteStore& store_;
  std::unique_ptr<Connection> reader_;
  bool done_ = false;
};

/// A write transaction: a member of the writer's group commit (see group_commit.hpp).
class WriteTransaction final : public SqliteTransaction {
 public:
  WriteTransaction(Connection& writer, GroupCommit& group)
      : SqliteTransaction(writer), group_(group), lock_(group.enter()) {}
  ~WriteTransaction() override {
    if (lock_.owns_lock()) {
      group_.leave(std::move(lock_), false);
    }
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit() override { group_.wait_durable(group_.leave(std::move(lock_), true)); }

 private:
  GroupCommit& group_;
  std::unique_lock<std::mutex> lock_;
};

}  // namespace

SqliteStore::SqliteStore(std::string path, int read_connections)
    : path_(std::move(path)), read_connections_(read_connections) {
  writer_ = std::make_unique<Connection>(path_);
  // Checkpoint every 10,000 WAL pages (about 40 MB) instead of SQLite's 1,000: a batch of
  // records dirties its leads' pages (the report's per-phone aggregates), scattered over the
  // task; with fewer checkpoints a page written by many commits is copied back once.
  // Measured: ingestion 27,000 -> 33,000 records/s (bench/README.md).
  writer_->db.exec("PRAGMA wal_autocheckpoint = 10000");
  group_commit_ = std::make_unique<GroupCommit>(writer_->db);
  migrate();
  writer_->prepare();
  for (int i = 0; i < read_connections; ++i) {
    auto reader = std::make_unique<Connection>(path_);
    reader->prepare();
    readers_.push_back(std::move(reader));
  }
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::migrate() {
  const std::lock_guard lock(writer_mutex_);
  auto& db = writer_->db;
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  db.exec("BEGIN IMMEDIATE");
  try {
    // Every version not recorded yet runs, not only those above the highest: versions written
    // on separate branches may arrive out of order (see migrations.cpp).
    Statement applied(db, "SELECT version FROM schema_migrations");
    applied.bind();
    std::set<std::int64_t> done;
    while (applied.step()) {
      done.insert(applied.int64(0));
    }
    int reached = done.empty() ? 0 : static_cast<int>(*done.rbegin());
    Statement record(db,
                     "INSERT INTO schema_migrations (version, description, applied_at) "
                     "VALUES (?1, ?2, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
    for (const auto& m : migrations()) {
      if (done.contains(m.version)) {
        continue;
      }
      db.exec(m.sql);
      record.bind(m.version, m.description).run();
      reached = std::max(reached, m.version);
    }
    db.exec("COMMIT");
    return reached;
  } catch (...) {
    sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::unique_ptr<Transaction> SqliteStore::begin(TxMode mode) {
  if (mode == TxMode::kWrite) {
    return std::make_unique<WriteTransaction>(*writer_, *group_commit_);
  }
  std::unique_lock lock(readers_mutex_);
  reader_released_.wait(lock, [this] { return !readers_.empty(); });
  auto reader = std::move(readers_.back());
  readers_.pop_back();
  lock.unlock();
  return std::make_unique<ReadTransaction>(*this, std::move(reader));
}

PoolUse SqliteStore::pool_use() const {
  const std::lock_guard lock(readers_mutex_);
  return PoolUse{read_connections_ - static_cast<int>(readers_.size()), read_connections_};
}

void SqliteStore::release_reader(std::unique_ptr<Connection> connection) {
  {
    const std::lock_guard lock(readers_mutex_);
    readers_.push_back(std::move(connection));
  }
  reader_released_.notify_one();
}

}  // namespace dialtrack::storage::sqlite
