#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace dialtrack::storage {

using domain::LeadId;
using domain::TaskId;
using domain::TaskType;
using domain::Timestamp;

/// The database could not be reached or failed; the request or job that hit it fails as a
/// whole and nothing of its transaction is kept.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The database is (temporarily) unavailable: busy beyond the timeout, connection lost.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

/// The transaction lost a race with another one (a serialization failure or a unique
/// violation between instances). Nothing of it was kept; running it again from the start is
/// safe, and the application layer does so a few times before giving up.
class StoreConflict : public StoreError {
 public:
  using StoreError::StoreError;
};

/// A lead of a task, found by phone.
struct LeadMatch {
  TaskId task_id = 0;
  LeadId lead_id = 0;
  std::string phone;
  bool connected = false;
};

/// A lead found through the dialer's job group id and the phone.
struct JobGroupLeadMatch {
  std::string job_group_id;
  LeadMatch lead;
};

/// A stored call record with the lead it belongs to.
struct StoredRecord {
  domain::CallRecord record;
  LeadId lead_id = 0;
};

/// A record to insert or overwrite, already decided by the domain rules.
struct RecordWrite {
  std::string call_id;
  TaskId task_id = 0;
  LeadId lead_id = 0;
  std::string phone;
  domain::RecordFields fields;
  bool connected = false;
  bool is_new = false;  ///< insert (a concurrent insert of the same call_id is a StoreConflict)
};

/// How many leads of a task a write newly connected.
struct ConnectedIncrement {
  TaskId task_id = 0;
  std::int64_t newly_connected = 0;
};

/// A task's stored counters beside the values recomputed from its leads and records.
struct CounterAudit {
  TaskId task_id = 0;
  std::int64_t total_calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t record_count = 0;
  std::int64_t actual_total_calls = 0;
  std::int64_t actual_connected_calls = 0;
  std::int64_t actual_record_count = 0;

  [[nodiscard]] bool drifted() const {
    return total_calls != actual_total_calls || connected_calls != actual_connected_calls ||
           record_count != actual_record_count;
  }
};

struct TaskListQuery {
  std::optional<TaskType> task_type;
  std::int64_t page = 1;
  std::int64_t page_size = 20;
};

struct TaskPage {
  std::vector<domain::Task> items;
  std::int64_t total = 0;
};

struct RecordPage {
  std::vector<domain::CallRecord> items;
  std::int64_t total = 0;
};

/// One database transaction. It rolls back in its destructor unless `commit()` was called.
/// Every write is a conditional or set-based statement, so several service instances on one
/// database stay correct: a transition happens only if the row still is in the expected
/// state, and counters move by the number of rows that actually changed.
class Transaction {
 public:
  virtual ~Transaction() = default;
  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  /// Makes every write of this transaction durable. Throws StoreError when it cannot.
  virtual void commit() = 0;

  // --- tasks --------------------------------------------------------------------------------
  /// Inserts a task in state 1 with zero counters and its creation history row.
  virtual TaskId insert_task(std::string_view name, const std::optional<std::string>& job_group_id,
                             Timestamp now) = 0;
  /// In a write transaction the task row stays locked until the end on backends with row locks.
  virtual std::optional<domain::Task> find_task(TaskId task_id) = 0;
  virtual TaskPage list_tasks(const TaskListQuery& query) = 0;
  virtual void set_job_group(TaskId task_id, std::string_view job_group_id, Timestamp now) = 0;

  /// Moves the task from `from` to `to` only if it is still in `from`, and writes the history
  /// row in the same transaction. Entering 3 sets `completed_at`; reopening (3 -> 2) clears it;
  /// deleting keeps it. Returns false when the task was not in `from` (someone else moved it
  /// first).
  virtual bool transition(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                          Timestamp now) = 0;

  /// The 2 -> 3 transition, conditional on the counters in the same statement, with its
  /// history row. Returns true for the one caller that completed the task.
  virtual bool complete_if_counters_full(TaskId task_id, std::string_view reason,
                                         Timestamp now) = 0;

  virtual std::vector<domain::Transition> history(TaskId task_id) = 0;

  // --- leads --------------------------------------------------------------------------------
  /// Inserts the leads whose phone is not in the task yet; returns how many were added and
  /// raises `total_calls` by that number.
  virtual std::int64_t insert_leads(TaskId task_id, std::span<const domain::Lead> leads,
                                    Timestamp now) = 0;
  /// Finds leads by (task_id, phone) pairs; pairs without a lead are left out.
  virtual std::vector<LeadMatch> find_leads(
      std::span<const std::pair<TaskId, std::string>> keys) = 0;
  /// Finds leads by (job_group_id, phone). Where several tasks share the job group, the newest
  /// task that is not deleted wins.
  virtual std::vector<JobGroupLeadMatch> find_leads_by_job_group(
      std::span<const std::pair<std::string, std::string>> keys) = 0;
  /// Marks the leads connected where they were not yet, raises `connected_calls` of their tasks
  /// by the number of leads that changed, and returns those increments.
  virtual std::vector<ConnectedIncrement> mark_leads_connected(std::span<const LeadId> lead_ids,
                                                               Timestamp now) = 0;

  // --- call records -------------------------------------------------------------------------
  /// Loads the stored records for these call ids (locking them on backends that lock rows).
  virtual std::vector<StoredRecord> find_records(std::span<const std::string> call_ids) = 0;
  /// Inserts the new records (`is_new`) and overwrites the others by call_id; keeps the task's
  /// record count in step.
  virtual void upsert_records(std::span<const RecordWrite> records, Timestamp now) = 0;
  // --- background jobs ----------------------------------------------------------------------
  /// Tasks in state 2 with ids above `after`, in id order, at most `limit`, with counters.
  virtual std::vector<domain::Task> calling_tasks(TaskId after, std::int64_t limit) = 0;
  /// Takes or renews the named lease for `holder` until `now + ttl`; false while another holder
  /// has it. One sweep at a time across instances, and a crashed holder's lease runs out.
  virtual bool acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                             std::chrono::milliseconds ttl) = 0;
  /// Gives the lease up early, if `holder` still has it.
  virtual void release_lease(std::string_view name, std::string_view holder) = 0;

  // --- maintenance --------------------------------------------------------------------------
  /// Recomputes counters from leads and records (a scan: for `recount`, never for checks): for
  /// `task_id` alone, or else for at most `limit` tasks with ids above `after`, in id order.
  virtual std::vector<CounterAudit> audit_counters(std::optional<TaskId> task_id, TaskId after,
                                                   std::int64_t limit) = 0;
  /// Sets the leads' connected flags and the task's counters to what its records say.
  virtual void repair_counters(TaskId task_id, Timestamp now) = 0;

  /// A task's records, newest first.
  virtual RecordPage task_records(TaskId task_id, std::int64_t page, std::int64_t page_size) = 0;
};

/// Whether a transaction writes. Read transactions see one consistent snapshot and may run
/// beside writes; write transactions are serialised by the database.
enum class TxMode { kRead, kWrite };

/// The database. Implementations: SQLite (embedded) and PostgreSQL (several instances).
class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  /// "sqlite" or "postgresql", as reported by `/healthz`.
  [[nodiscard]] virtual std::string_view backend() const = 0;
  /// Applies the migrations that are missing; returns the schema version reached.
  virtual int migrate() = 0;
  /// Starts a transaction. Blocking: never call it on an I/O thread.
  virtual std::unique_ptr<Transaction> begin(TxMode mode) = 0;
};

struct StoreOptions {
  int read_connections = 4;  ///< SQLite: read connections beside the one writer
  int pool_size = 10;        ///< PostgreSQL: connections at most
  std::chrono::milliseconds acquire_timeout{5'000};  ///< PostgreSQL: wait for a free connection
};

/// Opens the store named by a `--db` value: a file path, `sqlite:PATH`, or a
/// `postgresql://` URL, and applies missing migrations. Throws StoreError with a readable
/// reason when it cannot.
std::unique_ptr<Store> open_store(std::string_view db, const StoreOptions& options);

}  // namespace dialtrack::storage
