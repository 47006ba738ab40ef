#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "storage/common/lazy_ports.hpp"
#include "storage/common/report_stats.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "store_api/store.hpp"

/// What each port of the PostgreSQL store gives the pool (`*_statements`: its named statements,
/// prepared on every connection), the transaction (`make_*`: the port on the transaction's
/// connection `c`, which must outlive it, for a transaction of `mode`) and the other ports (writes
/// they share within a transaction). Each port's file defines its part.
namespace dialtrack::storage::postgres {

/// The base of a port whose reads lock the rows they read in a write transaction, so that the
/// caller's decision holds until commit (the tasks and records ports): the port on the
/// transaction's connection `c_`, which knows the transaction's mode.
template <typename Port>
class LockingPortOn : public PortOn<Port, Connection> {
 public:
  LockingPortOn(Connection& connection, store_api::TxMode mode)
      : PortOn<Port, Connection>(connection), mode_(mode) {}

 protected:
  /// The statement to read with: `for_update` (which locks the rows) in a write transaction,
  /// `plain` in a read.
  [[nodiscard]] const char* read_statement(const char* plain, const char* for_update) const {
    return mode_ == store_api::TxMode::kWrite ? for_update : plain;
  }

 private:
  store_api::TxMode mode_;
};

/// The named statements of the tasks port (tasks.cpp): the task rows, their status history
/// (with the outbox events of each change) and their counters.
std::vector<NamedStatement> task_statements();
/// The tasks port; in a write transaction the rows it reads stay locked until the end.
std::unique_ptr<store_api::TaskStore> make_tasks(Connection& c, store_api::TxMode mode);
/// Locks these task rows until the end of the transaction, in id order (`lock_tasks`, for the
/// ports that lock the tasks whose counters or aggregates they move), and returns them as
/// locked, in id order.
std::vector<domain::Task> lock_task_rows(Connection& c,
                                         std::span<const store_api::TaskId> task_ids);
/// A task row read by a statement that selects storage::kTaskColumns, in their order.
domain::Task read_task(const Result& r, int row);

/// The named statements of the leads port (leads.cpp): the phones of a task and whether each
/// was connected.
std::vector<NamedStatement> lead_statements();
/// The leads port; its writes also move the counters of the leads' tasks, in the same
/// statements.
std::unique_ptr<store_api::LeadStore> make_leads(Connection& c, store_api::TxMode mode);
/// Sets the connected flags of the task's leads to what its records say: a lead is connected
/// (since `now`, unless it already was) when one of its records is (`TaskStore::repair_counters`).
void repair_connected_flags(Connection& c, store_api::TaskId task_id, store_api::Timestamp now);
/// Applies what a batch of record writes changes in its leads (`leads`, in lead id order, from
/// report_stats::Deltas) in one statement, before the tasks are locked (it locks the lead rows,
/// in lead id order): attempts, final attempts, latest attempt and, with `settle`, connection
/// and the state that follows. Returns how the tasks' lead counters move, for
/// `add_record_stats`.
std::map<store_api::TaskId, report_stats::LeadMoves> write_leads(
    Connection& c, std::span<const report_stats::LeadStatDelta> leads, store_api::Timestamp now,
    bool settle);
/// `LeadStore::resettle_task`: the leads' final attempts and states from the task's records and
/// policy, then its settled and unreachable counters.
void resettle(Connection& c, store_api::TaskId task_id, store_api::Timestamp now);

/// The named statements of the call records port (records.cpp).
std::vector<NamedStatement> record_statements();
/// The call records port; its writes move the tasks' record counts and the report's aggregates
/// (add_record_stats), settle their leads (write_leads) and lock the tasks (lock_task_rows).
std::unique_ptr<store_api::RecordStore> make_records(Connection& c, store_api::TxMode mode);

/// The named statements of the reports port (reports.cpp): the report's aggregates
/// (storage/common/report_stats.hpp), read, rebuilt and written for the records port.
std::vector<NamedStatement> report_statements();
/// The reports port.
std::unique_ptr<store_api::ReportStore> make_reports(Connection& c, store_api::TxMode mode);
/// What a batch of record writes adds to its tasks, for `RecordStore::upsert_records`: the
/// record counts of the tasks (`inserted`: records inserted per task), the lead counters that
/// `write_leads` moved (`moves`) and the report's status rows, in one statement. The caller has
/// locked the tasks by now, so no other writer touches these rows. Returns the task rows whose
/// counters it moved, as they are after it, in id order.
std::vector<domain::Task> add_record_stats(
    Connection& c, const std::map<store_api::TaskId, std::int64_t>& inserted,
    const std::map<store_api::TaskId, report_stats::LeadMoves>& moves,
    const report_stats::Deltas& deltas, store_api::Timestamp now);

/// The named statements of the outbox and webhooks port (outbox.cpp): subscriptions, and the
/// deliveries of the events that status changes write.
std::vector<NamedStatement> outbox_statements();
/// The outbox and webhooks port.
std::unique_ptr<store_api::OutboxStore> make_outbox(Connection& c, store_api::TxMode mode);
/// Writes the outbox events of one status change (`from` -> `to` at `now`) of each of these
/// tasks, in one statement: `task.status_changed`, and `task.completed` when `to` is 3, with
/// payloads from domain::status_event_payload, and one pending delivery per webhook subscribed
/// to each event. For `TaskStore::transition` and the completions, in their transaction.
void write_status_events(Connection& c, std::span<const store_api::TaskId> task_ids,
                         domain::TaskType from, domain::TaskType to, std::string_view reason,
                         store_api::Timestamp now);

/// The named statements of the two small ports (small_ports.cpp, over
/// storage/common/small_ports.hpp): the dialer cursors (how far each job group was pulled from a
/// dialer account, and how each task's last pull went) and the leases (named leases that let one
/// instance at a time run a background job).
std::vector<NamedStatement> small_port_statements();
/// The dialer cursors port.
std::unique_ptr<store_api::CursorStore> make_cursors(Connection& c, store_api::TxMode mode);
/// The leases port.
std::unique_ptr<store_api::LeaseStore> make_leases(Connection& c, store_api::TxMode mode);

/// How a transaction makes each port, when it first asks for it.
inline constexpr PortFactories<Connection> kPortFactories{
    make_tasks, make_leads, make_records, make_reports, make_outbox, make_cursors, make_leases};

}  // namespace dialtrack::storage::postgres
