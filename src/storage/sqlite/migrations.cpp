#include "storage/sqlite/migrations.hpp"

#include <array>

#include "storage/common/migration_sql.hpp"

namespace dialtrack::storage::sqlite {
namespace {

// Times are integer milliseconds since the Unix epoch (UTC). Every table carries task_id.
constexpr auto kInitialSchema = sql::joined(R"sql(
CREATE TABLE call_tasks (
  task_id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT    NOT NULL,
  job_group_id    TEXT,
  task_type       INTEGER NOT NULL DEFAULT 1 CHECK (task_type BETWEEN 1 AND 4),
  total_calls     INTEGER NOT NULL DEFAULT 0 CHECK (total_calls >= 0),
  connected_calls INTEGER NOT NULL DEFAULT 0 CHECK (connected_calls >= 0),
  record_count    INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  completed_at    INTEGER
);
)sql",
                                            sql::kTaskIndexes, R"sql(
CREATE TABLE task_leads (
  lead_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id      INTEGER NOT NULL,
  phone        TEXT    NOT NULL,
  name         TEXT,
  job_id       TEXT,
  attrs        TEXT,
  connected_at INTEGER,
  created_at   INTEGER NOT NULL,
  UNIQUE (task_id, phone)
);

CREATE TABLE outbound_call_records (
  record_id    INTEGER PRIMARY KEY AUTOINCREMENT,
  call_id      TEXT    NOT NULL UNIQUE,
  task_id      INTEGER NOT NULL,
  lead_id      INTEGER NOT NULL,
  phone        TEXT    NOT NULL,
  job_group_id TEXT,
  job_id       TEXT,
  call_status  TEXT    NOT NULL,
  connected    INTEGER NOT NULL,
  started_at   INTEGER,
  ended_at     INTEGER,
  duration     INTEGER,
  event_time   INTEGER,
  extra        TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX outbound_call_records_by_task ON outbound_call_records (task_id, record_id);

CREATE TABLE task_status_history (
  history_id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id    INTEGER NOT NULL,
  from_type  INTEGER,
  to_type    INTEGER NOT NULL,
  reason     TEXT    NOT NULL,
  at         INTEGER NOT NULL
);
CREATE INDEX task_status_history_by_task ON task_status_history (task_id, history_id);
)sql");

// One row per background job that must run on one instance at a time (the sweep).
constexpr const char* kJobLeases = R"sql(
CREATE TABLE job_leases (
  name       TEXT    PRIMARY KEY,
  holder     TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
);
)sql";

// Webhook subscriptions, the outbox of task events (written in the transaction of the status
// change) and one delivery row per event and subscriber. `events` is a comma-separated list of
// event names; event ids are random 128-bit hex.
constexpr auto kWebhooks = sql::joined(R"sql(
CREATE TABLE webhooks (
  webhook_id INTEGER PRIMARY KEY AUTOINCREMENT,
  url        TEXT    NOT NULL,
  secret     TEXT    NOT NULL,
  events     TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_by_url ON webhooks (url) WHERE deleted = 0;

CREATE TABLE outbox_events (
  event_id   TEXT    PRIMARY KEY,
  task_id    INTEGER NOT NULL,
  event_type TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX outbox_events_by_task ON outbox_events (task_id);

CREATE TABLE webhook_deliveries (
  delivery_id     INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT    NOT NULL,
  webhook_id      INTEGER NOT NULL,
  task_id         INTEGER NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  last_status     INTEGER,
  delivered_at    INTEGER,
  claimed_by      TEXT,
  claimed_until   INTEGER,
  UNIQUE (event_id, webhook_id)
);
)sql",
                                       sql::kDeliveryIndexes);

// Reports: one index covering every column the task report reads, so its aggregates scan the
// index of one task and never the table; the summary reads tasks and records by time (the
// call-time expression is exactly the one the report queries use).
// Version 6 drops the first two (the report reads aggregates kept at write time instead).
constexpr auto kReportIndexes = sql::joined(R"sql(
CREATE INDEX outbound_call_records_report ON outbound_call_records
  (task_id, lead_id, event_time, ended_at, started_at, call_status, connected, duration,
   created_at);
CREATE INDEX outbound_call_records_by_call_time ON outbound_call_records
  (coalesce(started_at, event_time, created_at), connected);
)sql",
                                            sql::kSummaryIndexes);

// Pulling call results from dialers: a cursor per dialer account and job group (a small table
// without task_id: a reference table on a distributed engine), and the last sync per task.
constexpr const char* kDialerSync = R"sql(
CREATE TABLE dialer_sync_cursors (
  account      TEXT    NOT NULL,
  job_group_id TEXT    NOT NULL,
  cursor       TEXT    NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (account, job_group_id)
);

CREATE TABLE task_sync_state (
  task_id           INTEGER PRIMARY KEY,
  last_sync_at      INTEGER NOT NULL,
  last_sync_error   TEXT,
  last_sync_records INTEGER NOT NULL
);
)sql";

// The report's aggregates, kept by every record write (storage/report_stats.hpp): per task,
// call status and quarter hour of call time (`slot` = call time / 900000, the call time being
// coalesce(started_at, event_time, created_at) as in the report), and per lead its attempts and
// the status of its latest one (by coalesce(event_time, ended_at, started_at, created_at)).
// Filled from the records while the report indexes of version 4 still serve the scans, which
// then go: the aggregates answer the report and the summary, and the covering index cost
// ingestion 60% of its throughput (bench/README.md). The bare call_status beside max() is the
// latest attempt's: SQLite takes it from the row that holds the group's max.
constexpr auto kReportAggregates = sql::joined(R"sql(
CREATE TABLE task_call_stats (
  task_id         INTEGER NOT NULL,
  call_status     TEXT    NOT NULL,
  slot            INTEGER NOT NULL,
  calls           INTEGER NOT NULL,
  connected_calls INTEGER NOT NULL,
  talk_seconds    INTEGER NOT NULL,
  talk_calls      INTEGER NOT NULL,
  first_at        INTEGER,
  last_at         INTEGER,
  PRIMARY KEY (task_id, call_status, slot)
) WITHOUT ROWID;
INSERT INTO task_call_stats (task_id, call_status, slot, calls, connected_calls, talk_seconds,
                             talk_calls, first_at, last_at)
SELECT task_id, call_status, coalesce(started_at, event_time, created_at) / 900000 AS slot,
       count(*), sum(connected), coalesce(sum(CASE WHEN connected THEN duration END), 0),
       count(CASE WHEN connected THEN duration END),
       min(coalesce(started_at, event_time, created_at)),
       max(coalesce(started_at, event_time, created_at))
FROM outbound_call_records GROUP BY task_id, call_status, slot;
CREATE INDEX task_call_stats_by_slot ON task_call_stats (slot);

ALTER TABLE task_leads ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_leads ADD COLUMN latest_status TEXT;
ALTER TABLE task_leads ADD COLUMN latest_at INTEGER;
UPDATE task_leads SET attempts = a.attempts, latest_status = a.latest_status,
                      latest_at = a.latest_at
FROM (SELECT lead_id, count(*) AS attempts, call_status AS latest_status,
             max(coalesce(event_time, ended_at, started_at, created_at)) AS latest_at
      FROM outbound_call_records GROUP BY task_id, lead_id) AS a
WHERE task_leads.lead_id = a.lead_id;

)sql",
                                               sql::kDropReportIndexes);

// Campaigns (SPEC §6): each task's completion policy, its settled and unreachable counters, the
// task it redials and the reason it last completed; each lead's phone key (filled by the
// program after this SQL: storage/common/phone_key_backfill.hpp), its attempts with a final
// status and its state (domain::LeadState); the leads of a task in lead order (rowid) for the
// leads API, whose state filter reads the rows: an index by state would move an entry on every
// connected lead, and one of records by lead would take a page per record written (together
// they cost ingestion ~45%, bench/README.md). Existing tasks keep
// `all_connected` with the default final statuses, which this migration applies to their
// records once. Two leads of a task that turn out to share a key keep both (`key_shared` on the
// later one); the unique index holds for the others (NULL keys are distinct until keyed).
constexpr auto kCampaigns =
    sql::joined(R"sql(
ALTER TABLE call_tasks ADD COLUMN completion TEXT NOT NULL DEFAULT 'all_connected'
  CHECK (completion IN ('all_connected', 'all_settled'));
ALTER TABLE call_tasks ADD COLUMN max_attempts INTEGER;
ALTER TABLE call_tasks ADD COLUMN final_statuses TEXT NOT NULL
  DEFAULT 'ContactBlockList,EmptyNumber,HighRiskSipCode,NotExist,OutOfService,OutOfServiceNoCall';
ALTER TABLE call_tasks ADD COLUMN settled_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE call_tasks ADD COLUMN unreachable_calls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE call_tasks ADD COLUMN parent_task_id INTEGER;
ALTER TABLE call_tasks ADD COLUMN completion_reason TEXT;

ALTER TABLE task_leads ADD COLUMN phone_key TEXT;
ALTER TABLE task_leads ADD COLUMN key_shared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_leads ADD COLUMN final_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_leads ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX task_leads_by_key ON task_leads (task_id, phone_key) WHERE key_shared = 0;
CREATE INDEX task_leads_by_task ON task_leads (task_id);

UPDATE task_leads SET final_attempts = f.n
)sql",
                sql::kFinalAttemptsByLead, R"sql(WHERE task_leads.lead_id = f.lead_id;
)sql",
                sql::kLeadStatesFromCounts, R"sql(UPDATE call_tasks SET
  settled_calls = (SELECT count(*) FROM task_leads l
                   WHERE l.task_id = call_tasks.task_id AND l.state <> 0),
  unreachable_calls = (SELECT count(*) FROM task_leads l
                       WHERE l.task_id = call_tasks.task_id AND l.state = 2);
CREATE INDEX call_tasks_by_parent ON call_tasks (parent_task_id) WHERE parent_task_id IS NOT NULL;
)sql");

// The live stream (`GET /events`) numbers events by `seq`, its event ids. AUTOINCREMENT: a
// number is never used again, even after the outbox was pruned empty (a plain rowid would
// start over, and a client resuming after 500 would miss the new events 1, 2, ...). SQLite
// cannot add such a column in place, so the table is copied, in the order it was written.
constexpr const char* kLiveEvents = R"sql(
CREATE TABLE outbox_events_numbered (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id   TEXT    NOT NULL UNIQUE,
  task_id    INTEGER NOT NULL,
  event_type TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO outbox_events_numbered (event_id, task_id, event_type, payload, created_at)
SELECT event_id, task_id, event_type, payload, created_at FROM outbox_events ORDER BY rowid;
DROP TABLE outbox_events;
ALTER TABLE outbox_events_numbered RENAME TO outbox_events;
CREATE INDEX outbox_events_by_task ON outbox_events (task_id, seq);
)sql";

// The SQL of each schema version of storage/common/migrations.hpp, in version order.
constexpr auto kMigrations =
    backend_migrations({kInitialSchema.data(), kJobLeases, kWebhooks.data(), kReportIndexes.data(),
                        kDialerSync, kReportAggregates.data(), kCampaigns.data(), kLiveEvents});

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

}  // namespace dialtrack::storage::sqlite
