#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "storage/common/lazy_ports.hpp"
#include "store_api/store.hpp"

namespace dialtrack::storage::report_stats {
class Deltas;
struct LeadStatDelta;
}  // namespace dialtrack::storage::report_stats

/// What each port of the SQLite store gives the transaction (`make_*`: the port on the
/// transaction's connection `c`, which must outlive it; reads and writes run on connections of
/// their own, so no port needs the transaction's mode) and the other ports (writes they share
/// within a transaction). Each port's file defines its part; its statements are in
/// connection.hpp.
namespace dialtrack::storage::sqlite {

struct Connection;
class Statement;

/// The tasks port (tasks.cpp): the task rows, their status history (with the outbox events of
/// each change) and their counters.
std::unique_ptr<store_api::TaskStore> make_tasks(Connection& c, store_api::TxMode mode);
/// Raises the task's `total_calls` by `added` (the leads `LeadStore::insert_leads` added).
void add_total_calls(Connection& c, store_api::TaskId task_id, std::int64_t added,
                     store_api::Timestamp now);
/// Raises the task's `connected_calls` by `connected` (the leads `LeadStore::settle_leads`
/// newly connected).
void add_connected_calls(Connection& c, store_api::TaskId task_id, std::int64_t connected,
                         store_api::Timestamp now);
/// Raises the task's `record_count` by `inserted` (the records `RecordStore::upsert_records`
/// inserted).
void add_record_count(Connection& c, store_api::TaskId task_id, std::int64_t inserted,
                      store_api::Timestamp now);

/// A task row read by a statement that selects the task columns (`find_task`).
domain::Task read_task_row(const Statement& s);

/// The leads port (leads.cpp): the phones of a task, their states, and the task's lead
/// counters.
std::unique_ptr<store_api::LeadStore> make_leads(Connection& c, store_api::TxMode mode);
/// Sets the connected flags of the task's leads to what its records say: connects the leads
/// that have a connected record and disconnects the others (`TaskStore::repair_counters`,
/// which then recounts the task's counters from them).
void repair_lead_connections(Connection& c, store_api::TaskId task_id, store_api::Timestamp now);
/// Applies what a batch of record writes changes in its leads (`leads`, in lead id order, from
/// report_stats::Deltas) in one read and one write of the leads: attempts, final attempts,
/// latest attempt and, with `settle`, connection and the state that follows, then the tasks'
/// connected, settled and unreachable counters. Returns the connected increments
/// (`settle_leads`).
std::vector<store_api::ConnectedIncrement> write_leads(
    Connection& c, std::span<const report_stats::LeadStatDelta> leads, store_api::Timestamp now,
    bool settle);
/// `LeadStore::resettle_task`: the leads' final attempts and states from the task's records and
/// policy, then its settled and unreachable counters.
void resettle(Connection& c, store_api::TaskId task_id, store_api::Timestamp now);

/// The call records port (records.cpp); its writes move the tasks' record counts
/// (add_record_count) and the report's aggregates (apply_report_deltas).
std::unique_ptr<store_api::RecordStore> make_records(Connection& c, store_api::TxMode mode);

/// The reports port (reports.cpp): reads of the report's aggregates
/// (storage/common/report_stats.hpp), and their rebuild.
std::unique_ptr<store_api::ReportStore> make_reports(Connection& c, store_api::TxMode mode);
/// Applies what a batch of record writes changes in the status rows of the report's aggregates
/// (`task_call_stats`); the leads' part is `write_leads` (`RecordStore::upsert_records`, after
/// it wrote the records).
void apply_report_deltas(Connection& c, const report_stats::Deltas& deltas);

/// The outbox and webhooks port (outbox.cpp): subscriptions, and the deliveries of the events
/// that status changes write.
std::unique_ptr<store_api::OutboxStore> make_outbox(Connection& c, store_api::TxMode mode);
/// Writes the outbox events of a status change of the task (`task.status_changed`, and
/// `task.completed` when it enters 3), each with a pending delivery per webhook subscribed to
/// it: what `TaskStore::transition` and the completions write beside the status row.
void write_status_events(Connection& c, store_api::TaskId task_id, store_api::TaskType from,
                         store_api::TaskType to, std::string_view reason, store_api::Timestamp now);

/// The dialer cursors port (small_ports.cpp, over storage/common/small_ports.hpp): how far each
/// job group was pulled from a dialer account, and how each task's last pull went.
std::unique_ptr<store_api::CursorStore> make_cursors(Connection& c, store_api::TxMode mode);

/// The leases port (small_ports.cpp, over storage/common/small_ports.hpp): named leases that let
/// one instance at a time run a background job.
std::unique_ptr<store_api::LeaseStore> make_leases(Connection& c, store_api::TxMode mode);

/// How a transaction makes each port, when it first asks for it.
inline constexpr PortFactories<Connection> kPortFactories{
    make_tasks, make_leads, make_records, make_reports, make_outbox, make_cursors, make_leases};

}  // namespace dialtrack::storage::sqlite
