#pragma once

#include <optional>
#include <string>

#include "storage/common/small_ports.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace dialtrack::storage::sqlite {

/// The statements of the tasks port on one connection (the task rows, their status history
/// and their counters), prepared once when the connection is prepared.
struct TaskStatements {
  /// Prepares every statement; throws StoreError on an SQL error.
  explicit TaskStatements(Database& db);

  Statement insert_task, find_task, list_tasks, list_tasks_by_type, count_tasks,
      count_tasks_by_type, list_tasks_by_name, list_tasks_by_name_and_type, count_tasks_by_name,
      count_tasks_by_name_and_type, set_job_group, transition, complete, insert_history, history,
      calling_tasks, audit_task, audit_tasks, repair_counters, set_completion;
  // The counters that the leads and records ports move (add_total_calls and the others below).
  Statement add_total_calls, add_connected_calls, add_record_count, add_settled_calls,
      recount_settled_calls;
};

/// The statements of the leads port on one connection (the phones of a task and whether each
/// was connected), prepared once when the connection is prepared.
struct LeadStatements {
  /// Prepares every statement; throws StoreError on an SQL error.
  explicit LeadStatements(Database& db);

  // read_lead_rows, write_lead_row: what a batch's records change in their leads (write_leads).
  Statement insert_lead, find_lead, find_lead_by_group, read_lead_rows, write_lead_row,
      resettle_final_attempts, resettle_states, list_leads, list_leads_in_state,
      list_leads_in_states, lead_by_id, leads_by_key, copy_leads;
  // What TaskStore::repair_counters sets the connected flags with (repair_lead_connections).
  Statement repair_connect_leads, repair_disconnect_leads;
};

/// The statements of the call records port on one connection, prepared once when the
/// connection is prepared.
struct RecordStatements {
  /// Prepares every statement; throws StoreError on an SQL error.
  explicit RecordStatements(Database& db);

  Statement find_record, insert_record, update_record, task_records, record_count,
      task_records_after, records_stamped_after, lead_records;
  // What an overwrite takes out of the report's aggregates.
  Statement find_record_stats;
};

/// The statements of the reports port on one connection: the report's aggregates
/// (storage/common/report_stats.hpp) and the reports read from them, prepared once when the
/// connection is prepared.
struct ReportStatements {
  /// Prepares every statement; throws StoreError on an SQL error.
  explicit ReportStatements(Database& db);

  // The status rows of the aggregates, kept by RecordStore::upsert_records (apply_report_deltas).
  Statement add_call_stats;
  Statement rebuild_call_stats_clear, rebuild_call_stats, rebuild_lead_stats_clear,
      rebuild_lead_stats;
  Statement report_by_status, report_by_latest, report_by_hour, daily_created, daily_completed,
      daily_calls;
};

/// The statements of the outbox and webhooks port on one connection (subscriptions, outbox
/// events and their deliveries), prepared once when the connection is prepared.
struct OutboxStatements {
  /// Prepares every statement; throws StoreError on an SQL error.
  explicit OutboxStatements(Database& db);

  // The events of a status change (write_status_events).
  Statement insert_event, insert_deliveries;
  Statement insert_webhook, find_webhook_by_url, update_webhook, list_webhooks, find_webhook,
      delete_webhook, fail_webhook_deliveries, claim_deliveries, due_delivery, finish_delivery,
      deliveries_of, count_deliveries, outbox_backlog, prune_deliveries, prune_events;
  // The live stream's reads (`GET /events`).
  Statement events_after, task_events_after, event_seq_range;
};

/// The statements of the two small ports, the dialer cursors and the leases, on one connection
/// (small_ports.cpp); prepares every statement and throws StoreError on an SQL error.
small_ports::Statements<Statement> small_port_statements(Database& db);

/// A connection with every statement the store uses, one struct per port, prepared once when
/// it opens (`prepare`).
struct Connection {
  /// Opens the file and sets the connection's pragmas.
  explicit Connection(const std::string& path);

  /// Prepares the statements of every port, so an SQL error shows up when the store opens. A
  /// step of its own: the writer migrates the schema first, and the statements need its tables.
  void prepare();

  Database db;  ///< first: the statements are finalized before it closes
  // Empty until `prepare`.
  std::optional<TaskStatements> tasks;
  std::optional<LeadStatements> leads;
  std::optional<RecordStatements> records;
  std::optional<ReportStatements> reports;
  std::optional<OutboxStatements> outbox;
  std::optional<small_ports::Statements<Statement>> small;
};

/// The text of a statement: `head`, then a column list, then `tail`.
std::string sql(const char* head, const char* columns, const char* tail);

}  // namespace dialtrack::storage::sqlite
