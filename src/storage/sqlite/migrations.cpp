#include "storage/sqlite/migrations.hpp"

#include <array>

namespace dialtrack::storage::sqlite {
namespace {

// Times are integer milliseconds since the Unix epoch (UTC). Every table carries task_id.
constexpr const char* kInitialSchema = R"sql(
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
CREATE INDEX call_tasks_by_type ON call_tasks (task_type, task_id);
CREATE INDEX call_tasks_by_job_group ON call_tasks (job_group_id) WHERE job_group_id IS NOT NULL;

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
)sql";

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
constexpr const char* kWebhooks = R"sql(
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
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, delivery_id);
)sql";

// Reports: one index covering every column the task report reads, so its aggregates scan the
// index of one task and never the table; the summary reads tasks and records by time (the
// call-time expression is exactly the one the report queries use).
constexpr const char* kReportIndexes = R"sql(
CREATE INDEX outbound_call_records_report ON outbound_call_records
  (task_id, lead_id, event_time, ended_at, started_at, call_status, connected, duration,
   created_at);
CREATE INDEX outbound_call_records_by_call_time ON outbound_call_records
  (coalesce(started_at, event_time, created_at), connected);
CREATE INDEX call_tasks_by_created ON call_tasks (created_at);
CREATE INDEX call_tasks_by_completed ON call_tasks (completed_at) WHERE completed_at IS NOT NULL;
)sql";

constexpr std::array kMigrations{
    Migration{1, "tasks, leads, call records and status history", kInitialSchema},
    Migration{2, "leases for background jobs", kJobLeases},
    Migration{3, "webhooks, outbox events and deliveries", kWebhooks},
    Migration{4, "indexes for reports", kReportIndexes},
};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

}  // namespace dialtrack::storage::sqlite
