#include "storage/postgres/pg_store.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "storage/like_pattern.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/report_stats.hpp"
#include "storage/time_columns.hpp"
#include "storage/webhook_rows.hpp"

namespace dialtrack::storage::postgres {

using domain::Task;
using domain::Transition;

namespace {

#define DT_TASK_COLUMNS                                                                \
  "task_id, name, job_group_id, task_type, total_calls, connected_calls, created_at, " \
  "updated_at, completed_at"
#define DT_RECORD_COLUMNS                                                                        \
  "call_id, task_id, lead_id, phone, job_group_id, job_id, call_status, connected, started_at, " \
  "ended_at, duration, event_time, extra, created_at, updated_at"

#define DT_WEBHOOK_COLUMNS "webhook_id, url, secret, events, created_at"

/// The CTEs that follow a status change made by the CTE `t` (returning task_id): its outbox
/// events (`task.status_changed`, and `task.completed` when `to` is 3) and one pending delivery
/// per subscribed webhook. The payload is built by hand rather than with json_build_object, so
/// that its bytes are those of SQLite's json_object (no spaces), `at` formatted as
/// domain::format_timestamp does.
std::string outbox_ctes(std::string_view from, std::string_view to, std::string_view reason,
                        std::string_view now) {
  const std::string n(now);
  const std::string at = "to_char(to_timestamp(" + n +
                         " / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN " +
                         n + " % 1000 = 0 THEN '' ELSE '.' || lpad((" + n +
                         " % 1000)::text, 3, '0') END || 'Z'";
  return std::string(
             ", e AS (INSERT INTO outbox_events (event_id, task_id, event_type, payload, "
             "created_at) SELECT k.id, k.task_id, k.event, concat('{\"event_id\":', "
             "to_json(k.id), ',\"event\":', to_json(k.event), ',\"task_id\":', "
             "k.task_id, ',\"from\":', ") +
         std::string(from) + ", ',\"to\":', " + std::string(to) + ", ',\"reason\":', to_json(" +
         std::string(reason) + "::text), ',\"at\":', to_json(" + at + "), '}'), " + n +
         " FROM (SELECT replace(gen_random_uuid()::text, '-', '') AS id, t.task_id, v.event "
         "FROM t CROSS JOIN (VALUES ('task.status_changed'), ('task.completed')) AS v(event) "
         "WHERE v.event = 'task.status_changed' OR " +
         std::string(to) +
         " = 3) AS k RETURNING event_id, event_type, task_id), "
         "d AS (INSERT INTO webhook_deliveries (event_id, webhook_id, task_id, status, attempts, "
         "next_attempt_at) SELECT e.event_id, w.webhook_id, e.task_id, 'pending', 0, " +
         n +
         " FROM e JOIN webhooks w ON NOT w.deleted "
         "AND strpos(',' || w.events || ',', ',' || e.event_type || ',') > 0) ";
}

// Times are bigint milliseconds since the Unix epoch, as in the SQLite schema.
const std::vector<NamedStatement>& statements() {
  static const std::string kTransition =
      "WITH t AS (UPDATE call_tasks SET task_type = $3, updated_at = $4, "
      "completed_at = CASE $3::smallint WHEN 3 THEN $4 WHEN 2 THEN NULL ELSE completed_at END "
      "WHERE task_id = $1 AND task_type = $2 RETURNING task_id), "
      "h AS (INSERT INTO task_status_history (task_id, from_type, to_type, reason, at) "
      "SELECT task_id, $2, $3, $5, $4 FROM t RETURNING task_id)" +
      outbox_ctes("$2::int", "$3::int", "$5", "$4") + "SELECT task_id FROM h";
  static const std::string kComplete =
      "WITH t AS (UPDATE call_tasks SET task_type = 3, updated_at = $2, completed_at = $2 "
      "WHERE task_id = $1 AND task_type = 2 AND total_calls > 0 "
      "AND connected_calls = total_calls RETURNING task_id), "
      "h AS (INSERT INTO task_status_history (task_id, from_type, to_type, reason, at) "
      "SELECT task_id, 2, 3, $3, $2 FROM t RETURNING task_id)" +
      outbox_ctes("2", "3", "$3", "$2") + "SELECT task_id FROM h";
  static const std::string kCompleteMany =
      "WITH t AS (UPDATE call_tasks SET task_type = 3, updated_at = $2, completed_at = $2 "
      "WHERE task_id = ANY($1::bigint[]) AND task_type = 2 AND total_calls > 0 "
      "AND connected_calls = total_calls RETURNING task_id), "
      "h AS (INSERT INTO task_status_history (task_id, from_type, to_type, reason, at) "
      "SELECT task_id, 2, 3, $3, $2 FROM t RETURNING task_id)" +
      outbox_ctes("2", "3", "$3", "$2") + "SELECT task_id FROM h ORDER BY task_id";
  // What a batch of record writes adds to its tasks, in one statement: one round trip while
  // the tasks are locked (every writer of a task queues there). The record counts of the
  // tasks ($1-$3) and the report's status rows ($4-$12, storage/report_stats.hpp); an empty
  // array leaves its part out. A status row whose calls fell to 0 takes the bounds of what is
  // added next.
  static const std::string kAddRecordStats =
      "WITH counts AS (UPDATE call_tasks t SET record_count = t.record_count + u.n, "
      "updated_at = $3 FROM unnest($1::bigint[], $2::bigint[]) AS u(task_id, n) "
      "WHERE t.task_id = u.task_id RETURNING 1), "
      "stats AS (INSERT INTO task_call_stats AS s (task_id, call_status, slot, calls, "
      "connected_calls, talk_seconds, talk_calls, first_at, last_at) "
      "SELECT * FROM unnest($4::bigint[], $5::text[], $6::bigint[], $7::bigint[], "
      "$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[]) "
      "ON CONFLICT (task_id, call_status, slot) DO UPDATE SET "
      "calls = s.calls + excluded.calls, "
      "connected_calls = s.connected_calls + excluded.connected_calls, "
      "talk_seconds = s.talk_seconds + excluded.talk_seconds, "
      "talk_calls = s.talk_calls + excluded.talk_calls, "
      "first_at = CASE WHEN s.calls > 0 THEN least(s.first_at, excluded.first_at) "
      "ELSE coalesce(excluded.first_at, s.first_at) END, "
      "last_at = CASE WHEN s.calls > 0 THEN greatest(s.last_at, excluded.last_at) "
      "ELSE coalesce(excluded.last_at, s.last_at) END RETURNING 1) "
      "SELECT (SELECT count(*) FROM counts), (SELECT count(*) FROM stats)";
  // The leads' attempts and latest attempts of a batch, before the tasks are locked: these
  // rows are the batch's own leads, scattered over the task, and their updates need not hold
  // up the other writers of the task. The rows are locked in lead id order (the CTE), as
  // every writer locks leads, and always before it locks tasks: no deadlock. A candidate
  // (u.status, u.at) becomes the lead's latest attempt when it is at least as late, or when
  // the batch overwrote the stored latest attempt (its old time u.replaced_at reaches
  // latest_at).
  static const std::string kAddLeadStats =
      "WITH locked AS MATERIALIZED (SELECT lead_id FROM task_leads "
      "WHERE lead_id = ANY($1::bigint[]) ORDER BY lead_id FOR UPDATE) "
      "UPDATE task_leads l SET attempts = l.attempts + u.attempts, "
      "latest_status = CASE WHEN l.latest_at IS NULL OR u.at >= l.latest_at "
      "OR l.latest_at <= u.replaced_at THEN u.status ELSE l.latest_status END, "
      "latest_at = CASE WHEN l.latest_at IS NULL OR u.at >= l.latest_at "
      "OR l.latest_at <= u.replaced_at THEN u.at ELSE l.latest_at END "
      "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[]) "
      "AS u(lead_id, attempts, status, at, replaced_at) "
      "WHERE l.lead_id = u.lead_id AND u.lead_id IN (SELECT lead_id FROM locked)";
  static const std::vector<NamedStatement> kStatements{
      {"insert_task",
       "WITH t AS (INSERT INTO call_tasks (name, job_group_id, task_type, total_calls, "
       "connected_calls, record_count, created_at, updated_at) "
       "VALUES ($1, $2, 1, 0, 0, 0, $3, $3) RETURNING task_id) "
       "INSERT INTO task_status_history (task_id, from_type, to_type, reason, at) "
       "SELECT task_id, NULL, 1, 'created', $3 FROM t RETURNING task_id"},
      {"find_task", "SELECT " DT_TASK_COLUMNS " FROM call_tasks WHERE task_id = $1"},
      {"lock_tasks",
       "SELECT task_id FROM call_tasks WHERE task_id = ANY($1::bigint[]) ORDER BY task_id "
       "FOR UPDATE"},
      {"find_tasks", "SELECT " DT_TASK_COLUMNS " FROM call_tasks WHERE task_id = ANY($1::bigint[]) "
                     "ORDER BY task_id"},
      {"find_task_for_update",
       "SELECT " DT_TASK_COLUMNS " FROM call_tasks WHERE task_id = $1 FOR UPDATE"},
      {"list_tasks",
       "SELECT " DT_TASK_COLUMNS " FROM call_tasks ORDER BY task_id DESC LIMIT $1 OFFSET $2"},
      {"list_tasks_by_type",
       "SELECT " DT_TASK_COLUMNS
       " FROM call_tasks WHERE task_type = $1 ORDER BY task_id DESC LIMIT $2 OFFSET $3"},
      {"count_tasks", "SELECT count(*) FROM call_tasks"},
      {"count_tasks_by_type", "SELECT count(*) FROM call_tasks WHERE task_type = $1"},
      // Search by name ($1: a contains_pattern). ILIKE folds letters as the database's LC_CTYPE
      // says. No index serves it: a pattern that starts with '%' cannot use a b-tree, so this
      // scans the tasks (pg_trgm's GIN index could, should the table grow that large).
      {"list_tasks_by_name",
       "SELECT " DT_TASK_COLUMNS " FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\' "
       "ORDER BY task_id DESC LIMIT $2 OFFSET $3"},
      {"list_tasks_by_name_and_type",
       "SELECT " DT_TASK_COLUMNS " FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\' "
       "AND task_type = $2 ORDER BY task_id DESC LIMIT $3 OFFSET $4"},
      {"count_tasks_by_name", "SELECT count(*) FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\'"},
      {"count_tasks_by_name_and_type",
       "SELECT count(*) FROM call_tasks WHERE name ILIKE $1 ESCAPE '\\' AND task_type = $2"},
      {"set_job_group",
       "UPDATE call_tasks SET job_group_id = $2, updated_at = $3 WHERE task_id = $1"},
      {"transition", kTransition.c_str()},
      {"complete", kComplete.c_str()},
      {"complete_many", kCompleteMany.c_str()},
      {"history",
       "SELECT from_type, to_type, reason, at FROM task_status_history WHERE task_id = $1 "
       "ORDER BY history_id"},
      {"insert_leads",
       "WITH ins AS (INSERT INTO task_leads (task_id, phone, name, job_id, attrs, created_at) "
       "SELECT $1, u.phone, u.name, u.job_id, u.attrs, $6 "
       "FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) "
       "WITH ORDINALITY AS u(phone, name, job_id, attrs, n) ORDER BY u.n "
       "ON CONFLICT (task_id, phone) DO NOTHING RETURNING 1), "
       "added AS (SELECT count(*) AS n FROM ins) "
       "UPDATE call_tasks SET total_calls = total_calls + added.n, updated_at = $6 "
       "FROM added WHERE task_id = $1 RETURNING added.n"},
      {"find_leads",
       "SELECT l.task_id, l.lead_id, l.phone, l.connected_at IS NOT NULL "
       "FROM unnest($1::bigint[], $2::text[]) AS k(task_id, phone) "
       "JOIN task_leads l ON l.task_id = k.task_id AND l.phone = k.phone"},
      {"find_leads_by_job_group",
       "SELECT DISTINCT ON (k.job_group_id, k.phone) k.job_group_id, l.task_id, l.lead_id, "
       "l.phone, l.connected_at IS NOT NULL "
       "FROM unnest($1::text[], $2::text[]) AS k(job_group_id, phone) "
       "JOIN call_tasks t ON t.job_group_id = k.job_group_id "
       "JOIN task_leads l ON l.task_id = t.task_id AND l.phone = k.phone "
       "ORDER BY k.job_group_id, k.phone, t.task_type = 4, t.task_id DESC"},
      {"mark_leads_connected",
       "WITH upd AS (UPDATE task_leads SET connected_at = $2 "
       "WHERE lead_id = ANY($1::bigint[]) AND connected_at IS NULL RETURNING task_id), "
       "counts AS (SELECT task_id, count(*) AS n FROM upd GROUP BY task_id) "
       "UPDATE call_tasks t SET connected_calls = t.connected_calls + counts.n, updated_at = $2 "
       "FROM counts WHERE t.task_id = counts.task_id RETURNING t.task_id, counts.n"},
      {"find_records",
       "SELECT " DT_RECORD_COLUMNS " FROM outbound_call_records WHERE call_id = ANY($1::text[])"},
      {"find_records_for_update",
       "SELECT " DT_RECORD_COLUMNS
       " FROM outbound_call_records WHERE call_id = ANY($1::text[]) ORDER BY call_id FOR UPDATE"},
      {"insert_records",
       "INSERT INTO outbound_call_records (" DT_RECORD_COLUMNS ") "
       "SELECT u.call_id, u.task_id, u.lead_id, u.phone, u.job_group_id, u.job_id, "
       "u.call_status, u.connected, u.started_at, u.ended_at, u.duration, u.event_time, u.extra, "
       "$14, $14 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], "
       "$6::text[], $7::text[], $8::boolean[], $9::bigint[], $10::bigint[], $11::bigint[], "
       "$12::bigint[], $13::text[]) AS u(call_id, task_id, lead_id, phone, job_group_id, job_id, "
       "call_status, connected, started_at, ended_at, duration, event_time, extra)"},
      // Returns the stored version (`o`, read before the update: the statement does not see its
      // own changes, and FOR UPDATE makes it the latest committed one) beside the new one, for
      // the report's aggregates.
      {"update_records",
       "UPDATE outbound_call_records r SET job_group_id = u.job_group_id, job_id = u.job_id, "
       "call_status = u.call_status, connected = u.connected, started_at = u.started_at, "
       "ended_at = u.ended_at, duration = u.duration, event_time = u.event_time, "
       "extra = u.extra, updated_at = $11 "
       "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], "
       "$6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[]) "
       "AS u(call_id, job_group_id, job_id, call_status, connected, started_at, ended_at, "
       "duration, event_time, extra), "
       "(SELECT record_id, task_id, lead_id, call_status, connected, started_at, ended_at, "
       "duration, event_time, created_at FROM outbound_call_records "
       "WHERE call_id = ANY($1::text[]) ORDER BY call_id FOR UPDATE) AS o "
       "WHERE r.call_id = u.call_id AND o.record_id = r.record_id "
       "RETURNING o.task_id, o.lead_id, o.call_status, o.connected, o.started_at, o.ended_at, "
       "o.duration, o.event_time, o.created_at, r.call_status, r.connected, r.started_at, "
       "r.ended_at, r.duration, r.event_time"},
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
      {"add_record_stats", kAddRecordStats.c_str()},
      {"add_lead_stats", kAddLeadStats.c_str()},
      {"lock_task_leads",
       "SELECT lead_id FROM task_leads WHERE task_id = $1 ORDER BY lead_id FOR UPDATE"},
      {"task_records", "SELECT " DT_RECORD_COLUMNS
                       " FROM outbound_call_records WHERE task_id = $1 ORDER BY record_id DESC "
                       "LIMIT $2 OFFSET $3"},
      {"record_count", "SELECT record_count FROM call_tasks WHERE task_id = $1"},
      {"calling_tasks",
       "SELECT " DT_TASK_COLUMNS " FROM call_tasks WHERE task_type = 2 AND task_id > $1 "
       "ORDER BY task_id LIMIT $2"},
      {"acquire_lease",
       "INSERT INTO job_leases AS l (name, holder, expires_at) VALUES ($1, $2, $4) "
       "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
       "expires_at = excluded.expires_at WHERE l.holder = excluded.holder OR l.expires_at < $3"},
      {"release_lease", "DELETE FROM job_leases WHERE name = $1 AND holder = $2"},
      {"audit_task",
       "SELECT t.task_id, t.total_calls, t.connected_calls, t.record_count, "
       "(SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id), "
       "(SELECT count(DISTINCT r.lead_id) FROM outbound_call_records r "
       "WHERE r.task_id = t.task_id AND r.connected), "
       "(SELECT count(*) FROM outbound_call_records r WHERE r.task_id = t.task_id), "
       "(SELECT coalesce(sum(calls), 0) FROM task_call_stats s WHERE s.task_id = t.task_id), "
       "(SELECT coalesce(sum(attempts), 0) FROM task_leads l WHERE l.task_id = t.task_id) "
       "FROM call_tasks t "
       "WHERE t.task_id = $1"},
      {"audit_tasks",
       "SELECT t.task_id, t.total_calls, t.connected_calls, t.record_count, "
       "(SELECT count(*) FROM task_leads l WHERE l.task_id = t.task_id), "
       "(SELECT count(DISTINCT r.lead_id) FROM outbound_call_records r "
       "WHERE r.task_id = t.task_id AND r.connected), "
       "(SELECT count(*) FROM outbound_call_records r WHERE r.task_id = t.task_id), "
       "(SELECT coalesce(sum(calls), 0) FROM task_call_stats s WHERE s.task_id = t.task_id), "
       "(SELECT coalesce(sum(attempts), 0) FROM task_leads l WHERE l.task_id = t.task_id) "
       "FROM call_tasks t "
       "WHERE t.task_id > $1 ORDER BY t.task_id LIMIT $2"},
      {"repair_connect_leads",
       "UPDATE task_leads SET connected_at = $2 WHERE task_id = $1 AND connected_at IS NULL "
       "AND lead_id IN (SELECT lead_id FROM outbound_call_records WHERE task_id = $1 AND "
       "connected)"},
      {"repair_disconnect_leads",
       "UPDATE task_leads SET connected_at = NULL WHERE task_id = $1 AND connected_at IS NOT NULL "
       "AND lead_id NOT IN (SELECT lead_id FROM outbound_call_records "
       "WHERE task_id = $1 AND connected)"},
      {"insert_webhook",
       "INSERT INTO webhooks (url, secret, events, created_at) VALUES ($1, $2, $3, $4) "
       "RETURNING " DT_WEBHOOK_COLUMNS},
      // Instances that upsert their configured webhooks at once take turns (until commit).
      {"lock_webhooks", "SELECT pg_advisory_xact_lock(7316435927002)"},
      {"find_webhook_by_url",
       "SELECT webhook_id FROM webhooks WHERE url = $1 AND NOT deleted ORDER BY webhook_id "
       "LIMIT 1"},
      {"update_webhook",
       "UPDATE webhooks SET secret = $2, events = $3 WHERE webhook_id = $1 "
       "RETURNING " DT_WEBHOOK_COLUMNS},
      {"list_webhooks",
       "SELECT " DT_WEBHOOK_COLUMNS " FROM webhooks WHERE NOT deleted ORDER BY webhook_id"},
      {"find_webhook",
       "SELECT " DT_WEBHOOK_COLUMNS " FROM webhooks WHERE webhook_id = $1 AND NOT deleted"},
      {"delete_webhook",
       "WITH w AS (UPDATE webhooks SET deleted = true WHERE webhook_id = $1 AND NOT deleted "
       "RETURNING webhook_id), "
       "f AS (UPDATE webhook_deliveries d SET status = 'failed', last_error = 'webhook deleted', "
       "next_attempt_at = $2, claimed_by = NULL, claimed_until = NULL FROM w "
       "WHERE d.webhook_id = w.webhook_id AND d.status = 'pending') "
       "SELECT webhook_id FROM w"},
      // SKIP LOCKED: instances claiming at once take disjoint rows instead of waiting; the
      // claim (claimed_until) then keeps the rows out of other claims while they are sent.
      {"claim_deliveries",
       "WITH due AS (SELECT delivery_id FROM webhook_deliveries WHERE status = 'pending' "
       "AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2) "
       "ORDER BY next_attempt_at, delivery_id LIMIT $4 FOR UPDATE SKIP LOCKED), "
       "c AS (UPDATE webhook_deliveries d SET claimed_by = $1, claimed_until = $3 FROM due "
       "WHERE d.delivery_id = due.delivery_id RETURNING d.delivery_id, d.event_id, d.webhook_id, "
       "d.task_id, d.attempts) "
       "SELECT c.delivery_id, c.event_id, e.event_type, c.webhook_id, c.task_id, w.url, "
       "w.secret, e.payload, c.attempts FROM c "
       "JOIN outbox_events e ON e.event_id = c.event_id "
       "JOIN webhooks w ON w.webhook_id = c.webhook_id ORDER BY c.delivery_id"},
      {"finish_delivery",
       "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, "
       "next_attempt_at = $3, last_error = $4, last_status = $5, "
       "delivered_at = CASE WHEN $2 = 'delivered' THEN $6::bigint ELSE delivered_at END, "
       "claimed_by = NULL, claimed_until = NULL WHERE delivery_id = $1 AND status = 'pending'"},
      {"deliveries_of",
       "SELECT d.delivery_id, d.event_id, e.event_type, d.task_id, d.status, d.attempts, "
       "d.last_error, d.last_status, d.next_attempt_at, d.delivered_at "
       "FROM webhook_deliveries d JOIN outbox_events e ON e.event_id = d.event_id "
       "WHERE d.webhook_id = $1 ORDER BY d.delivery_id DESC LIMIT $2 OFFSET $3"},
      {"count_deliveries", "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1"},
      {"outbox_backlog", "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"},
      {"prune_outbox",
       "WITH old AS (SELECT e.event_id FROM outbox_events e WHERE e.created_at < $1 "
       "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.event_id "
       "AND d.status = 'pending') ORDER BY e.created_at LIMIT $2 FOR UPDATE SKIP LOCKED), "
       "gone AS (DELETE FROM webhook_deliveries WHERE event_id IN (SELECT event_id FROM old)) "
       "DELETE FROM outbox_events WHERE event_id IN (SELECT event_id FROM old)"},
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
      {"task_records_after",
       "SELECT " DT_RECORD_COLUMNS
       ", record_id FROM outbound_call_records WHERE task_id = $1 AND record_id > $2 "
       "ORDER BY record_id LIMIT $3"},
      {"repair_counters",
       "UPDATE call_tasks SET "
       "total_calls = (SELECT count(*) FROM task_leads WHERE task_id = $1), "
       "connected_calls = (SELECT count(*) FROM task_leads "
       "WHERE task_id = $1 AND connected_at IS NOT NULL), "
       "record_count = (SELECT count(*) FROM outbound_call_records WHERE task_id = $1), "
       "updated_at = $2 WHERE task_id = $1"},
      // Dialer sync.
      {"find_sync_cursor",
       "SELECT cursor, updated_at FROM dialer_sync_cursors "
       "WHERE account = $1 AND job_group_id = $2"},
      {"insert_sync_cursor",
       "INSERT INTO dialer_sync_cursors (account, job_group_id, cursor, updated_at) "
       "VALUES ($1, $2, $3, $4) ON CONFLICT (account, job_group_id) DO NOTHING"},
      {"update_sync_cursor",
       "UPDATE dialer_sync_cursors SET cursor = $4, updated_at = $5 "
       "WHERE account = $1 AND job_group_id = $2 AND cursor = $3"},
      {"record_sync",
       "INSERT INTO task_sync_state (task_id, last_sync_at, last_sync_error, last_sync_records) "
       "SELECT task_id, $2, $3, $4 FROM call_tasks WHERE job_group_id = $1 AND task_type <> 4 "
       "ON CONFLICT (task_id) DO UPDATE SET last_sync_at = excluded.last_sync_at, "
       "last_sync_error = excluded.last_sync_error, "
       "last_sync_records = excluded.last_sync_records"},
      {"task_sync",
       "SELECT last_sync_at, last_sync_error, last_sync_records FROM task_sync_state "
       "WHERE task_id = $1"},
      // Byte order (COLLATE "C"), as SQLite compares text, so `after` pages the same way.
      {"calling_job_groups",
       "SELECT DISTINCT job_group_id COLLATE \"C\" FROM call_tasks WHERE task_type = 2 "
       "AND job_group_id IS NOT NULL AND job_group_id COLLATE \"C\" > $1 "
       "ORDER BY 1 LIMIT $2"},
  };
  return kStatements;
}

#undef DT_TASK_COLUMNS
#undef DT_WEBHOOK_COLUMNS
#undef DT_RECORD_COLUMNS

using time_columns::millis;
using time_columns::timestamp;

std::optional<std::string> millis_text(const std::optional<Timestamp>& at) {
  if (!at) {
    return std::nullopt;
  }
  return std::to_string(millis(*at));
}

std::optional<std::string> int_text(const std::optional<std::int64_t>& value) {
  if (!value) {
    return std::nullopt;
  }
  return std::to_string(*value);
}

Task read_task(const Result& r, int row) {
  Task t;
  t.task_id = r.int64(row, 0);
  t.name = std::string(r.text(row, 1));
  t.job_group_id = r.optional_text(row, 2);
  t.task_type = static_cast<domain::TaskType>(r.int64(row, 3));
  t.total_calls = r.int64(row, 4);
  t.connected_calls = r.int64(row, 5);
  t.created_at = timestamp(r.int64(row, 6));
  t.updated_at = timestamp(r.int64(row, 7));
  t.completed_at = timestamp(r.optional_int64(row, 8));
  return t;
}

Webhook read_webhook(const Result& r, int row) {
  return {r.int64(row, 0), std::string(r.text(row, 1)), std::string(r.text(row, 2)),
          webhook_rows::split_events(r.text(row, 3)), timestamp(r.int64(row, 4))};
}

StoredRecord read_record(const Result& r, int row) {
  StoredRecord out;
  auto& rec = out.record;
  rec.call_id = std::string(r.text(row, 0));
  rec.task_id = r.int64(row, 1);
  out.lead_id = r.int64(row, 2);
  rec.phone = std::string(r.text(row, 3));
  rec.fields.job_group_id = r.optional_text(row, 4);
  rec.fields.job_id = r.optional_text(row, 5);
  rec.fields.call_status = std::string(r.text(row, 6));
  rec.connected = r.boolean(row, 7);
  rec.fields.started_at = timestamp(r.optional_int64(row, 8));
  rec.fields.ended_at = timestamp(r.optional_int64(row, 9));
  rec.fields.duration = r.optional_int64(row, 10);
  rec.fields.event_time = timestamp(r.optional_int64(row, 11));
  rec.fields.extra_json = r.optional_text(row, 12);
  rec.created_at = timestamp(r.int64(row, 13));
  rec.updated_at = timestamp(r.int64(row, 14));
  return out;
}

/// The stored and the new version of one overwritten record, as `update_records` returns them
/// (task, lead, then each version's status, connected, started_at, ended_at, duration and
/// event_time, the stored one's created_at between them), counted into the report's aggregates.
void count_update(const Result& r, int row, report_stats::Deltas& deltas) {
  const TaskId task_id = r.int64(row, 0);
  const LeadId lead_id = r.int64(row, 1);
  const Timestamp created_at = timestamp(r.int64(row, 8));
  auto version = [&](int first) {
    domain::RecordFields f;
    f.call_status = std::string(r.text(row, first));
    f.started_at = timestamp(r.optional_int64(row, first + 2));
    f.ended_at = timestamp(r.optional_int64(row, first + 3));
    f.duration = r.optional_int64(row, first + 4);
    f.event_time = timestamp(r.optional_int64(row, first + 5));
    return report_stats::contribution(task_id, lead_id, f, r.boolean(row, first + 1), created_at);
  };
  deltas.update(version(2), version(9));
}

class PgTransaction final : public Transaction {
 public:
  PgTransaction(PgStore& store, TxMode mode) : store_(store), mode_(mode), c_(store.acquire()) {
    if (mode == TxMode::kSingleRead) {
      return;  // one statement, sent on its own: its own snapshot, no BEGIN or COMMIT
    }
    try {
      // Reads see one snapshot (as SQLite's do); writes use READ COMMITTED with conditional
      // updates and row locks, which re-check their conditions against the latest row.
      c_->exec(mode == TxMode::kWrite ? "BEGIN"
                                      : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    } catch (...) {
      store_.release(std::move(c_));
      throw;
    }
  }

  ~PgTransaction() override {
    if (!done_ && mode_ != TxMode::kSingleRead && !c_->broken()) {
      try {
        c_->exec("ROLLBACK");
      } catch (const StoreError&) {
        // The connection is marked broken and will be replaced by the pool.
      }
    }
    store_.release(std::move(c_));
  }
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  void commit() override {
    if (mode_ != TxMode::kSingleRead) {
      c_->exec("COMMIT");
    }
    done_ = true;
  }

  TaskId insert_task(std::string_view name, const std::optional<std::string>& job_group_id,
                     Timestamp now) override {
    const auto r = c_->run("insert_task", Params{}.add(name).add(job_group_id).add(millis(now)));
    return r.int64(0, 0);
  }

  void lock_tasks(std::span<const TaskId> task_ids) override {
    if (task_ids.empty()) {
      return;
    }
    c_->run("lock_tasks",
            Params{}.add_array(std::vector<std::int64_t>(task_ids.begin(), task_ids.end())));
  }

  std::optional<Task> find_task(TaskId task_id) override {
    // In a write transaction the row stays locked, so the caller's decision holds until commit.
    const auto r = c_->run(mode_ == TxMode::kWrite ? "find_task_for_update" : "find_task",
                           Params{}.add(task_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return read_task(r, 0);
  }

  std::vector<Task> find_tasks(std::span<const TaskId> task_ids) override {
    std::vector<Task> out;
    if (task_ids.empty()) {
      return out;
    }
    const auto r =
        c_->run("find_tasks",
                Params{}.add_array(std::vector<std::int64_t>(task_ids.begin(), task_ids.end())));
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back(read_task(r, i));
    }
    return out;
  }

  TaskPage list_tasks(const TaskListQuery& query) override {
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
    const std::int64_t offset = (query.page - 1) * query.page_size;
    TaskPage page;
    const auto rows = c_->run(list, Params(filters).add(query.page_size).add(offset));
    for (int i = 0; i < rows.rows(); ++i) {
      page.items.push_back(read_task(rows, i));
    }
    page.total = c_->run(count, filters).int64(0, 0);
    return page;
  }

  void set_job_group(TaskId task_id, std::string_view job_group_id, Timestamp now) override {
    c_->run("set_job_group", Params{}.add(task_id).add(job_group_id).add(millis(now)));
  }

  bool transition(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                  Timestamp now) override {
    const auto r = c_->run("transition", Params{}
                                             .add(task_id)
                                             .add(static_cast<int>(from))
                                             .add(static_cast<int>(to))
                                             .add(millis(now))
                                             .add(reason));
    return r.rows() == 1;
  }

  bool complete_if_counters_full(TaskId task_id, std::string_view reason, Timestamp now) override {
    const auto r = c_->run("complete", Params{}.add(task_id).add(millis(now)).add(reason));
    return r.rows() == 1;
  }
  std::vector<TaskId> complete_where_counters_full(std::span<const TaskId> task_ids,
                                                   std::string_view reason,
                                                   Timestamp now) override {
    std::vector<TaskId> completed;
    if (task_ids.empty()) {
      return completed;
    }
    const auto r = c_->run(
        "complete_many", Params{}
                             .add_array(std::vector<std::int64_t>(task_ids.begin(), task_ids.end()))
                             .add(millis(now))
                             .add(reason));
    for (int i = 0; i < r.rows(); ++i) {
      completed.push_back(r.int64(i, 0));
    }
    return completed;
  }

  std::vector<Transition> history(TaskId task_id) override {
    const auto r = c_->run("history", Params{}.add(task_id));
    std::vector<Transition> out;
    for (int i = 0; i < r.rows(); ++i) {
      Transition t;
      if (const auto from = r.optional_int64(i, 0)) {
        t.from = static_cast<TaskType>(*from);
      }
      t.to = static_cast<TaskType>(r.int64(i, 1));
      t.reason = std::string(r.text(i, 2));
      t.at = timestamp(r.int64(i, 3));
      out.push_back(std::move(t));
    }
    return out;
  }

  std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                            Timestamp now) override {
    if (leads.empty()) {
      return 0;
    }
    std::vector<std::optional<std::string>> phones;
    std::vector<std::optional<std::string>> names;
    std::vector<std::optional<std::string>> job_ids;
    std::vector<std::optional<std::string>> attrs;
    for (const auto& lead : leads) {
      phones.emplace_back(lead.phone);
      names.push_back(lead.name);
      job_ids.push_back(lead.job_id);
      attrs.push_back(lead.attrs_json);
    }
    const auto r = c_->run("insert_leads", Params{}
                                               .add(task_id)
                                               .add_array(phones)
                                               .add_array(names)
                                               .add_array(job_ids)
                                               .add_array(attrs)
                                               .add(millis(now)));
    return r.rows() == 1 ? r.int64(0, 0) : 0;
  }

  std::vector<LeadMatch> find_leads(std::span<const std::pair<TaskId, std::string>> keys) override {
    std::vector<LeadMatch> out;
    if (keys.empty()) {
      return out;
    }
    std::vector<std::int64_t> task_ids;
    std::vector<std::optional<std::string>> phones;
    for (const auto& [task_id, phone] : keys) {
      task_ids.push_back(task_id);
      phones.emplace_back(phone);
    }
    const auto r = c_->run("find_leads", Params{}.add_array(task_ids).add_array(phones));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.int64(i, 0), r.int64(i, 1), std::string(r.text(i, 2)), r.boolean(i, 3)});
    }
    return out;
  }

  std::vector<JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) override {
    std::vector<JobGroupLeadMatch> out;
    if (keys.empty()) {
      return out;
    }
    std::vector<std::optional<std::string>> groups;
    std::vector<std::optional<std::string>> phones;
    for (const auto& [group, phone] : keys) {
      groups.emplace_back(group);
      phones.emplace_back(phone);
    }
    const auto r = c_->run("find_leads_by_job_group", Params{}.add_array(groups).add_array(phones));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({std::string(r.text(i, 0)),
                     {r.int64(i, 1), r.int64(i, 2), std::string(r.text(i, 3)), r.boolean(i, 4)}});
    }
    return out;
  }

  std::vector<ConnectedIncrement> mark_leads_connected(std::span<const LeadId> lead_ids,
                                                       Timestamp now) override {
    std::vector<ConnectedIncrement> out;
    if (lead_ids.empty()) {
      return out;
    }
    // Sorted ids lock the lead rows in one order in every transaction: no deadlock between them.
    std::vector<std::int64_t> ids(lead_ids.begin(), lead_ids.end());
    std::sort(ids.begin(), ids.end());
    const auto r = c_->run("mark_leads_connected", Params{}.add_array(ids).add(millis(now)));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.int64(i, 0), r.int64(i, 1)});
    }
    return out;
  }

  std::vector<StoredRecord> find_records(std::span<const std::string> call_ids) override {
    std::vector<StoredRecord> out;
    if (call_ids.empty()) {
      return out;
    }
    std::vector<std::optional<std::string>> ids(call_ids.begin(), call_ids.end());
    // A write locks them in call_id order, the same order in every transaction.
    const auto r = c_->run(mode_ == TxMode::kWrite ? "find_records_for_update" : "find_records",
                           Params{}.add_array(ids));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back(read_record(r, i));
    }
    return out;
  }

  void upsert_records(std::span<const RecordWrite> records, Timestamp now) override {
    // Column arrays for the new and for the changed records.
    struct Columns {
      std::vector<std::optional<std::string>> call_id, task_id, lead_id, phone, job_group_id,
          job_id, call_status, connected, started_at, ended_at, duration, event_time, extra;
      void add(const RecordWrite& r) {
        const auto& f = r.fields;
        call_id.emplace_back(r.call_id);
        task_id.emplace_back(std::to_string(r.task_id));
        lead_id.emplace_back(std::to_string(r.lead_id));
        phone.emplace_back(r.phone);
        job_group_id.push_back(f.job_group_id);
        job_id.push_back(f.job_id);
        call_status.emplace_back(f.call_status);
        connected.emplace_back(r.connected ? "t" : "f");
        started_at.push_back(millis_text(f.started_at));
        ended_at.push_back(millis_text(f.ended_at));
        duration.push_back(int_text(f.duration));
        event_time.push_back(millis_text(f.event_time));
        extra.push_back(f.extra_json);
      }
    };
    Columns inserts;
    Columns updates;
    std::map<TaskId, std::int64_t> inserted;
    std::vector<TaskId> tasks;
    report_stats::Deltas deltas;
    for (const auto& r : records) {
      tasks.push_back(r.task_id);
      if (r.is_new) {
        inserts.add(r);
        ++inserted[r.task_id];
        deltas.insert(report_stats::contribution(r.task_id, r.lead_id, r.fields, r.connected, now));
      } else {
        updates.add(r);
      }
    }
    if (!inserts.call_id.empty()) {
      const auto& c = inserts;
      c_->run("insert_records", Params{}
                                    .add_array(c.call_id)
                                    .add_array(c.task_id)
                                    .add_array(c.lead_id)
                                    .add_array(c.phone)
                                    .add_array(c.job_group_id)
                                    .add_array(c.job_id)
                                    .add_array(c.call_status)
                                    .add_array(c.connected)
                                    .add_array(c.started_at)
                                    .add_array(c.ended_at)
                                    .add_array(c.duration)
                                    .add_array(c.event_time)
                                    .add_array(c.extra)
                                    .add(millis(now)));
    }
    if (!updates.call_id.empty()) {
      const auto& c = updates;
      const auto changed = c_->run("update_records", Params{}
                                                         .add_array(c.call_id)
                                                         .add_array(c.job_group_id)
                                                         .add_array(c.job_id)
                                                         .add_array(c.call_status)
                                                         .add_array(c.connected)
                                                         .add_array(c.started_at)
                                                         .add_array(c.ended_at)
                                                         .add_array(c.duration)
                                                         .add_array(c.event_time)
                                                         .add_array(c.extra)
                                                         .add(millis(now)));
      for (int i = 0; i < changed.rows(); ++i) {
        count_update(changed, i, deltas);
      }
    }
    add_lead_stats(deltas);
    // Only now, with the rows written, the tasks are locked (in id order) for their counters:
    // a concurrent writer for the same task waits for this transaction's counter updates and
    // commit, not for its reads and inserts.
    std::sort(tasks.begin(), tasks.end());
    tasks.erase(std::unique(tasks.begin(), tasks.end()), tasks.end());
    lock_tasks(tasks);
    if (!inserted.empty() || !deltas.call_stats().empty()) {
      add_record_stats(inserted, deltas, now);
    }
  }

  void rebuild_report_stats(TaskId task_id) override {
    const std::array ids{task_id};
    const auto params = Params{}.add(task_id);
    c_->run("lock_task_leads", params);  // as writers do: the leads, then the task
    lock_tasks(ids);
    c_->run("rebuild_call_stats_clear", params);
    c_->run("rebuild_call_stats", params);
    c_->run("rebuild_lead_stats", params);
  }

  std::vector<Task> calling_tasks(TaskId after, std::int64_t limit) override {
    const auto r = c_->run("calling_tasks", Params{}.add(after).add(limit));
    std::vector<Task> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back(read_task(r, i));
    }
    return out;
  }

  bool acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                     std::chrono::milliseconds ttl) override {
    const auto r = c_->run("acquire_lease",
                           Params{}.add(name).add(holder).add(millis(now)).add(millis(now + ttl)));
    return r.affected() == 1;
  }

  void release_lease(std::string_view name, std::string_view holder) override {
    c_->run("release_lease", Params{}.add(name).add(holder));
  }

  std::vector<CounterAudit> audit_counters(std::optional<TaskId> task_id, TaskId after,
                                           std::int64_t limit) override {
    const auto r = task_id ? c_->run("audit_task", Params{}.add(*task_id))
                           : c_->run("audit_tasks", Params{}.add(after).add(limit));
    std::vector<CounterAudit> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.int64(i, 0), r.int64(i, 1), r.int64(i, 2), r.int64(i, 3), r.int64(i, 4),
                     r.int64(i, 5), r.int64(i, 6), r.int64(i, 7), r.int64(i, 8)});
    }
    return out;
  }

  void repair_counters(TaskId task_id, Timestamp now) override {
    const auto params = Params{}.add(task_id).add(millis(now));
    c_->run("repair_connect_leads", params);
    c_->run("repair_disconnect_leads", Params{}.add(task_id));
    c_->run("repair_counters", params);
  }

  Webhook insert_webhook(std::string_view url, std::string_view secret,
                         std::span<const std::string> events, Timestamp now) override {
    const auto r = c_->run(
        "insert_webhook",
        Params{}.add(url).add(secret).add(webhook_rows::join_events(events)).add(millis(now)));
    return read_webhook(r, 0);
  }

  Webhook upsert_webhook(std::string_view url, std::string_view secret,
                         std::span<const std::string> events, Timestamp now) override {
    c_->run("lock_webhooks");
    const auto found = c_->run("find_webhook_by_url", Params{}.add(url));
    if (found.rows() == 0) {
      return insert_webhook(url, secret, events, now);
    }
    const auto r =
        c_->run("update_webhook",
                Params{}.add(found.int64(0, 0)).add(secret).add(webhook_rows::join_events(events)));
    return read_webhook(r, 0);
  }

  std::vector<Webhook> list_webhooks() override {
    const auto r = c_->run("list_webhooks");
    std::vector<Webhook> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back(read_webhook(r, i));
    }
    return out;
  }

  std::optional<Webhook> find_webhook(std::int64_t webhook_id) override {
    const auto r = c_->run("find_webhook", Params{}.add(webhook_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return read_webhook(r, 0);
  }

  bool delete_webhook(std::int64_t webhook_id, Timestamp now) override {
    return c_->run("delete_webhook", Params{}.add(webhook_id).add(millis(now))).rows() == 1;
  }

  std::vector<DueDelivery> claim_deliveries(std::string_view holder, Timestamp now,
                                            std::chrono::milliseconds lease,
                                            std::int64_t limit) override {
    const auto r =
        c_->run("claim_deliveries",
                Params{}.add(holder).add(millis(now)).add(millis(now + lease)).add(limit));
    std::vector<DueDelivery> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({r.int64(i, 0), std::string(r.text(i, 1)), std::string(r.text(i, 2)),
                     r.int64(i, 3), r.int64(i, 4), std::string(r.text(i, 5)),
                     std::string(r.text(i, 6)), std::string(r.text(i, 7)), r.int64(i, 8)});
    }
    return out;
  }

  bool finish_delivery(std::int64_t delivery_id, const DeliveryOutcome& outcome,
                       Timestamp now) override {
    const bool retry = outcome.status == DeliveryStatus::kPending;
    std::optional<std::int64_t> http_status;
    if (outcome.http_status) {
      http_status = *outcome.http_status;
    }
    const auto r = c_->run("finish_delivery", Params{}
                                                  .add(delivery_id)
                                                  .add(webhook_rows::status_text(outcome.status))
                                                  .add(millis(retry ? outcome.retry_at : now))
                                                  .add(outcome.error)
                                                  .add(http_status)
                                                  .add(millis(now)));
    return r.affected() == 1;
  }

  DeliveryPage deliveries_of(std::int64_t webhook_id, std::int64_t page,
                             std::int64_t page_size) override {
    DeliveryPage out;
    const auto r = c_->run("deliveries_of",
                           Params{}.add(webhook_id).add(page_size).add((page - 1) * page_size));
    for (int i = 0; i < r.rows(); ++i) {
      DeliveryRow row;
      row.delivery_id = r.int64(i, 0);
      row.event_id = std::string(r.text(i, 1));
      row.event_type = std::string(r.text(i, 2));
      row.task_id = r.int64(i, 3);
      row.status = webhook_rows::status_from_text(r.text(i, 4));
      row.attempts = r.int64(i, 5);
      row.last_error = r.optional_text(i, 6);
      if (const auto status = r.optional_int64(i, 7)) {
        row.last_status = static_cast<int>(*status);
      }
      row.next_attempt_at = timestamp(r.int64(i, 8));
      row.delivered_at = timestamp(r.optional_int64(i, 9));
      out.items.push_back(std::move(row));
    }
    out.total = c_->run("count_deliveries", Params{}.add(webhook_id)).int64(0, 0);
    return out;
  }

  std::int64_t outbox_backlog() override { return c_->run("outbox_backlog").int64(0, 0); }

  std::int64_t prune_outbox(Timestamp before, std::int64_t limit) override {
    return c_->run("prune_outbox", Params{}.add(millis(before)).add(limit)).affected();
  }

  RecordPage task_records(TaskId task_id, std::int64_t page, std::int64_t page_size) override {
    RecordPage out;
    const auto r =
        c_->run("task_records", Params{}.add(task_id).add(page_size).add((page - 1) * page_size));
    for (int i = 0; i < r.rows(); ++i) {
      out.items.push_back(read_record(r, i).record);
    }
    const auto count = c_->run("record_count", Params{}.add(task_id));
    if (count.rows() == 1) {
      out.total = count.int64(0, 0);
    }
    return out;
  }

  TaskReportRows task_report(TaskId task_id) override {
    TaskReportRows out;
    const auto status = c_->run("report_by_status", Params{}.add(task_id));
    for (int i = 0; i < status.rows(); ++i) {
      out.by_status.push_back({std::string(status.text(i, 0)), status.int64(i, 1),
                               status.int64(i, 2), status.int64(i, 3), status.int64(i, 4),
                               timestamp(status.optional_int64(i, 5)),
                               timestamp(status.optional_int64(i, 6))});
    }
    const auto latest = c_->run("report_by_latest", Params{}.add(task_id));
    for (int i = 0; i < latest.rows(); ++i) {
      out.by_latest.push_back(
          {std::string(latest.text(i, 0)), latest.int64(i, 1), latest.int64(i, 2)});
    }
    const auto hour = c_->run("report_by_hour", Params{}.add(task_id));
    for (int i = 0; i < hour.rows(); ++i) {
      out.by_hour.push_back(
          {timestamp(hour.int64(i, 0) * 3'600'000), hour.int64(i, 1), hour.int64(i, 2)});
    }
    return out;
  }

  DailyRows daily_counts(Timestamp from, Timestamp to, std::chrono::minutes utc_offset) override {
    report_stats::require_quarter_hours(utc_offset);
    const auto params = Params{}
                            .add(millis(from))
                            .add(millis(to))
                            .add(std::int64_t{std::chrono::milliseconds(utc_offset).count()});
    DailyRows out;
    const auto created = c_->run("daily_created", params);
    for (int i = 0; i < created.rows(); ++i) {
      out.tasks_created.push_back({created.int64(i, 0), created.int64(i, 1), 0});
    }
    const auto completed = c_->run("daily_completed", params);
    for (int i = 0; i < completed.rows(); ++i) {
      out.tasks_completed.push_back({completed.int64(i, 0), completed.int64(i, 1), 0});
    }
    const auto calls = c_->run(
        "daily_calls", Params{}
                           .add(report_stats::first_slot_at_or_after(from))
                           .add(report_stats::first_slot_at_or_after(to))
                           .add(std::int64_t{std::chrono::milliseconds(utc_offset).count()}));
    for (int i = 0; i < calls.rows(); ++i) {
      out.calls.push_back({calls.int64(i, 0), calls.int64(i, 1), calls.int64(i, 2)});
    }
    return out;
  }

  std::vector<std::pair<std::int64_t, domain::CallRecord>> task_records_after(
      TaskId task_id, std::int64_t after, std::int64_t limit) override {
    const auto r = c_->run("task_records_after", Params{}.add(task_id).add(after).add(limit));
    std::vector<std::pair<std::int64_t, domain::CallRecord>> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      out.emplace_back(r.int64(i, 15), read_record(r, i).record);
    }
    return out;
  }

  std::optional<SyncCursor> find_sync_cursor(std::string_view account,
                                             std::string_view job_group_id) override {
    const auto r = c_->run("find_sync_cursor", Params{}.add(account).add(job_group_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return SyncCursor{std::string(r.text(0, 0)), timestamp(r.int64(0, 1))};
  }

  bool advance_sync_cursor(std::string_view account, std::string_view job_group_id,
                           const std::optional<std::string>& expected, std::string_view next,
                           Timestamp now) override {
    const auto r =
        expected
            ? c_->run(
                  "update_sync_cursor",
                  Params{}.add(account).add(job_group_id).add(*expected).add(next).add(millis(now)))
            : c_->run("insert_sync_cursor",
                      Params{}.add(account).add(job_group_id).add(next).add(millis(now)));
    return r.affected() == 1;
  }

  std::int64_t record_sync(std::string_view job_group_id, const TaskSyncState& state) override {
    const auto r = c_->run("record_sync", Params{}
                                              .add(job_group_id)
                                              .add(millis(state.last_sync_at))
                                              .add(state.last_sync_error)
                                              .add(state.last_sync_records));
    return r.affected();
  }

  std::optional<TaskSyncState> task_sync(TaskId task_id) override {
    const auto r = c_->run("task_sync", Params{}.add(task_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return TaskSyncState{timestamp(r.int64(0, 0)), r.optional_text(0, 1), r.int64(0, 2)};
  }

  std::vector<std::string> calling_job_groups(std::string_view after, std::int64_t limit) override {
    const auto r = c_->run("calling_job_groups", Params{}.add(after).add(limit));
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      out.emplace_back(r.text(i, 0));
    }
    return out;
  }

 private:
  /// The leads' part of the report's aggregates (add_lead_stats), before the tasks are locked.
  void add_lead_stats(const report_stats::Deltas& deltas) {
    const auto leads = deltas.lead_stats();  // in lead id order
    if (leads.empty()) {
      return;
    }
    std::vector<std::int64_t> lead_ids, attempts, latest_at;
    std::vector<std::optional<std::string>> latest_status, replaced_at;
    for (const auto& d : leads) {
      lead_ids.push_back(d.lead_id);
      attempts.push_back(d.attempts);
      latest_status.emplace_back(d.latest_status);
      latest_at.push_back(d.latest_at);
      replaced_at.push_back(int_text(d.replaced_at));
    }
    c_->run("add_lead_stats", Params{}
                                  .add_array(lead_ids)
                                  .add_array(attempts)
                                  .add_array(latest_status)
                                  .add_array(latest_at)
                                  .add_array(replaced_at));
  }

  /// The record counts and the report's status rows of a batch, in one statement
  /// (add_record_stats); the tasks are locked by now, so no other writer touches these rows.
  void add_record_stats(const std::map<TaskId, std::int64_t>& inserted,
                        const report_stats::Deltas& deltas, Timestamp now) {
    Params params;
    std::vector<std::int64_t> counted_tasks, counts;
    for (const auto& [task_id, count] : inserted) {
      counted_tasks.push_back(task_id);
      counts.push_back(count);
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
        .add_array(last_at);

    c_->run("add_record_stats", params);
  }

  PgStore& store_;
  TxMode mode_;
  std::unique_ptr<Connection> c_;
  bool done_ = false;
};

}  // namespace

PgStore::PgStore(std::string url, PgOptions options) : url_(std::move(url)), options_(options) {
  migrate();
}

PgStore::~PgStore() = default;

int PgStore::migrate() {
  Connection c(url_, {});
  c.exec("BEGIN");
  // Instances starting together take turns: the lock is held until this transaction ends.
  // Everything, even CREATE ... IF NOT EXISTS (not safe against a concurrent create), runs
  // under it.
  c.exec("SELECT pg_advisory_xact_lock(7316435927001)");
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
      "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  // Every version not recorded yet runs, not only those above the highest: versions written
  // on separate branches may arrive out of order (see pg_migrations.cpp).
  const auto applied = c.exec("SELECT version FROM schema_migrations");
  std::set<std::int64_t> done;
  for (int i = 0; i < applied.rows(); ++i) {
    done.insert(applied.int64(i, 0));
  }
  int reached = done.empty() ? 0 : static_cast<int>(*done.rbegin());
  for (const auto& m : migrations()) {
    if (done.contains(m.version)) {
      continue;
    }
    c.exec(m.sql);
    const std::string record = "INSERT INTO schema_migrations (version, description) VALUES (" +
                               std::to_string(m.version) + ", '" + m.description + "')";
    c.exec(record.c_str());
    reached = std::max(reached, m.version);
  }
  c.exec("COMMIT");
  return reached;
}

std::unique_ptr<Connection> PgStore::acquire() {
  std::unique_lock lock(mutex_);
  const bool available = released_.wait_for(lock, options_.acquire_timeout, [this] {
    return !idle_.empty() || open_ < options_.pool_size;
  });
  if (!available) {
    throw StoreUnavailable("PostgreSQL: all " + std::to_string(options_.pool_size) +
                           " pool connections stayed busy for " +
                           std::to_string(options_.acquire_timeout.count()) + " ms");
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    if (!connection->broken()) {
      return connection;
    }
    --open_;  // replaced below
  }
  ++open_;
  lock.unlock();
  try {
    return std::make_unique<Connection>(url_, statements());
  } catch (...) {
    lock.lock();
    --open_;
    released_.notify_one();
    throw;
  }
}

void PgStore::release(std::unique_ptr<Connection> connection) {
  {
    const std::lock_guard lock(mutex_);
    if (connection->broken()) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  released_.notify_one();
}

PoolUse PgStore::pool_use() const {
  const std::lock_guard lock(mutex_);
  return PoolUse{open_ - static_cast<int>(idle_.size()), options_.pool_size};
}

std::unique_ptr<Transaction> PgStore::begin(TxMode mode) {
  return std::make_unique<PgTransaction>(*this, mode);
}

}  // namespace dialtrack::storage::postgres
