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
  /// The report's aggregates (see `task_report`): the calls of the task's status rows and the
  /// attempts of its leads, each of which should equal the number of records. A cheap check:
  /// it finds records counted twice or not at all, not a record counted under a wrong status,
  /// time or lead.
  std::int64_t report_calls = 0;
  std::int64_t lead_attempts = 0;

  [[nodiscard]] bool counters_drifted() const {
    return total_calls != actual_total_calls || connected_calls != actual_connected_calls ||
           record_count != actual_record_count;
  }
  [[nodiscard]] bool report_drifted() const {
    return report_calls != actual_record_count || lead_attempts != actual_record_count;
  }
  [[nodiscard]] bool drifted() const { return counters_drifted() || report_drifted(); }
};

struct TaskListQuery {
  std::optional<TaskType> task_type;
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  /// Only tasks whose name contains this text: a plain substring (`%` and `_` are literal),
  /// ASCII letters matched case-insensitively. Other letters (`É`/`é`) follow the backend:
  /// never folded on SQLite, folded on PostgreSQL as the database's LC_CTYPE says.
  std::optional<std::string> name_contains;
};

struct TaskPage {
  std::vector<domain::Task> items;
  std::int64_t total = 0;
};

struct RecordPage {
  std::vector<domain::CallRecord> items;
  std::int64_t total = 0;
};

/// A task's call records grouped by status (all attempts).
struct StatusCalls {
  std::string call_status;
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t talk_seconds = 0;           ///< sum of `duration` over the connected attempts
  std::int64_t talk_calls = 0;             ///< connected attempts that have a duration
  std::optional<Timestamp> first_call_at;  ///< earliest call time (see `task_report`)
  std::optional<Timestamp> last_call_at;   ///< latest call time
};

/// Phones whose latest attempt has `call_status` and who were called `attempts` times.
struct LatestAttempts {
  std::string call_status;
  std::int64_t attempts = 0;
  std::int64_t phones = 0;
};

/// Calls of one UTC hour (by call time).
struct HourCalls {
  Timestamp hour{};
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
};

/// The grouped rows a task report is made of; `app::ReportService` turns them into numbers.
struct TaskReportRows {
  std::vector<StatusCalls> by_status;
  std::vector<LatestAttempts> by_latest;
  std::vector<HourCalls> by_hour;
};

/// A count on one local day: `day` is days since 1970-01-01 in the requested UTC offset.
struct DayCount {
  std::int64_t day = 0;
  std::int64_t count = 0;
  std::int64_t connected = 0;  ///< for calls: the connected ones
};

/// Per-day counts of a date range, days without anything left out.
struct DailyRows {
  std::vector<DayCount> tasks_created;
  std::vector<DayCount> tasks_completed;
  std::vector<DayCount> calls;
};

/// A webhook subscription. `events` are names from domain/events.hpp.
struct Webhook {
  std::int64_t webhook_id = 0;
  std::string url;
  std::string secret;
  std::vector<std::string> events;
  Timestamp created_at{};
};

/// Where a delivery of one event to one webhook stands.
enum class DeliveryStatus { kPending, kDelivered, kFailed };

/// A delivery claimed for sending: what to send, where, and how often it was tried before.
struct DueDelivery {
  std::int64_t delivery_id = 0;
  std::string event_id;
  std::string event_type;
  std::int64_t webhook_id = 0;
  TaskId task_id = 0;
  std::string url;
  std::string secret;
  std::string payload;        ///< the JSON body, exactly as written with the event
  std::int64_t attempts = 0;  ///< attempts made before this one
};

/// How one delivery attempt ended: delivered, to be retried at `retry_at` (kPending), or
/// given up (kFailed).
struct DeliveryOutcome {
  DeliveryStatus status = DeliveryStatus::kPending;
  Timestamp retry_at{};
  std::optional<int> http_status;  ///< the receiver's answer, when there was one
  std::optional<std::string> error;
};

/// One delivery as `GET /webhooks/{id}/deliveries` shows it.
struct DeliveryRow {
  std::int64_t delivery_id = 0;
  std::string event_id;
  std::string event_type;
  TaskId task_id = 0;
  DeliveryStatus status = DeliveryStatus::kPending;
  std::int64_t attempts = 0;
  std::optional<std::string> last_error;
  std::optional<int> last_status;
  Timestamp next_attempt_at{};
  std::optional<Timestamp> delivered_at;
};

struct DeliveryPage {
  std::vector<DeliveryRow> items;
  std::int64_t total = 0;
};

/// Where the pull from a dialer account stands for one job group: an opaque cursor that only
/// the dialer connector reads.
struct SyncCursor {
  std::string cursor;
  Timestamp updated_at{};
};

/// How the last pull from the dialer went for a task (`sync` in `GET /tasks/{task_id}`).
struct TaskSyncState {
  Timestamp last_sync_at{};
  std::optional<std::string> last_sync_error;  ///< empty when the last sync succeeded
  std::int64_t last_sync_records = 0;          ///< call attempts fetched by the last sync
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
  /// The tasks with these ids that exist, in id order, read in one statement without taking
  /// locks (a writer that needs them locked has locked them already, see `upsert_records`).
  virtual std::vector<domain::Task> find_tasks(std::span<const TaskId> task_ids) = 0;
  /// Locks these task rows until the end of the transaction, in id order, on backends with row
  /// locks (a no-op where writers are serialised anyway). Writers that move the counters of
  /// several tasks take them in this one order, so they queue per task instead of deadlocking.
  virtual void lock_tasks(std::span<const TaskId> task_ids) = 0;
  /// One page of the tasks the query's filters match, newest first (task_id DESC), and how
  /// many they match in all.
  virtual TaskPage list_tasks(const TaskListQuery& query) = 0;
  virtual void set_job_group(TaskId task_id, std::string_view job_group_id, Timestamp now) = 0;

  /// Moves the task from `from` to `to` only if it is still in `from`, and writes the history
  /// row in the same transaction. Entering 3 sets `completed_at`; reopening (3 -> 2) clears it;
  /// deleting keeps it. Returns false when the task was not in `from` (someone else moved it
  /// first). A move also writes its outbox events (`task.status_changed`, and `task.completed`
  /// on entering 3) and one pending delivery per webhook subscribed to each.
  virtual bool transition(TaskId task_id, TaskType from, TaskType to, std::string_view reason,
                          Timestamp now) = 0;

  /// The 2 -> 3 transition, conditional on the counters in the same statement, with its
  /// history row and outbox events (as `transition`). Returns true for the one caller that
  /// completed the task.
  virtual bool complete_if_counters_full(TaskId task_id, std::string_view reason,
                                         Timestamp now) = 0;
  /// `complete_if_counters_full` for several tasks in one statement where the backend can;
  /// returns the ids of the tasks this call completed, in id order.
  virtual std::vector<TaskId> complete_where_counters_full(std::span<const TaskId> task_ids,
                                                           std::string_view reason,
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
  /// record count and the report's aggregates (see `task_report`) in step: an overwrite takes
  /// the stored version out of them and adds the new one. On backends with row locks the tasks
  /// of these records are locked (`lock_tasks`) after the rows are written and the leads'
  /// aggregates moved (their lead rows locked in lead id order), before any task counter or
  /// status row moves, and stay locked to the end: concurrent writers for one task wait only
  /// for its counters and the commit.
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

  // --- webhooks -----------------------------------------------------------------------------
  /// Adds a subscription.
  virtual Webhook insert_webhook(std::string_view url, std::string_view secret,
                                 std::span<const std::string> events, Timestamp now) = 0;
  /// Gives the subscription with this url its secret and events, or adds it. Instances that
  /// run it together (same configuration) still leave one subscription.
  virtual Webhook upsert_webhook(std::string_view url, std::string_view secret,
                                 std::span<const std::string> events, Timestamp now) = 0;
  /// The subscriptions that are not deleted, oldest first.
  virtual std::vector<Webhook> list_webhooks() = 0;
  /// Empty when unknown or deleted.
  virtual std::optional<Webhook> find_webhook(std::int64_t webhook_id) = 0;
  /// Deletes the subscription; its pending deliveries fail. False when unknown or deleted.
  virtual bool delete_webhook(std::int64_t webhook_id, Timestamp now) = 0;
  /// Claims at most `limit` pending deliveries that are due and not claimed by anyone until
  /// `now + lease`, oldest due first. Claims taken at once by several instances never overlap.
  virtual std::vector<DueDelivery> claim_deliveries(std::string_view holder, Timestamp now,
                                                    std::chrono::milliseconds lease,
                                                    std::int64_t limit) = 0;
  /// Records one attempt of a pending delivery and drops its claim. False when the delivery is
  /// not pending any more (delivered or given up meanwhile).
  virtual bool finish_delivery(std::int64_t delivery_id, const DeliveryOutcome& outcome,
                               Timestamp now) = 0;
  /// A webhook's deliveries, newest first.
  virtual DeliveryPage deliveries_of(std::int64_t webhook_id, std::int64_t page,
                                     std::int64_t page_size) = 0;
  /// How many deliveries are pending.
  virtual std::int64_t outbox_backlog() = 0;
  /// Deletes at most `limit` outbox events created before `before` that no delivery waits for
  /// any more (all delivered or given up), with their delivery rows, oldest first. Returns how
  /// many events went.
  virtual std::int64_t prune_outbox(Timestamp before, std::int64_t limit) = 0;

  // --- maintenance --------------------------------------------------------------------------
  /// Recomputes counters from leads and records (a scan: for `recount`, never for checks): for
  /// `task_id` alone, or else for at most `limit` tasks with ids above `after`, in id order.
  virtual std::vector<CounterAudit> audit_counters(std::optional<TaskId> task_id, TaskId after,
                                                   std::int64_t limit) = 0;
  /// Sets the leads' connected flags and the task's counters to what its records say.
  virtual void repair_counters(TaskId task_id, Timestamp now) = 0;
  /// Recomputes the task's report aggregates (its status rows and its leads' attempts and
  /// latest attempts) from its records: a scan of the task's records, for `recount --fix`.
  virtual void rebuild_report_stats(TaskId task_id) = 0;

  /// A task's records, newest first.
  virtual RecordPage task_records(TaskId task_id, std::int64_t page, std::int64_t page_size) = 0;

  // --- reports ------------------------------------------------------------------------------
  /// A task's report, read from the aggregates its record writes keep (schema version 6): one
  /// row per call status and quarter hour of call time, and per lead its attempts and latest
  /// status; the cost grows with statuses x quarter hours + phones, not with records. A
  /// record's call time is `started_at`, else `event_time`, else `created_at`; a phone's latest
  /// attempt is the one with the newest `event_time`, else `ended_at`, else `started_at`, else
  /// `created_at` (on a tie, the last written; after a rebuild on SQLite, any of them). Exact
  /// for records written once. After updates, a status's first and last call time may still
  /// include the old call time of a record whose call time changed (within a quarter hour that
  /// other records of its old status share), and a phone's latest attempt is wrong only when
  /// an update made its latest attempt older than another attempt that the same batch did not
  /// write. `rebuild_report_stats` makes them exact.
  virtual TaskReportRows task_report(TaskId task_id) = 0;
  /// Tasks created, tasks completed and calls (by call time) per local day in [from, to), days
  /// counted in `utc_offset`. Calls are counted by quarter hour (the report's aggregates), so
  /// `utc_offset` must be a whole number of quarter hours (std::invalid_argument otherwise), and
  /// `from` and `to` count the quarter hours that start in [from, to) (exact when they are
  /// local midnights).
  virtual DailyRows daily_counts(Timestamp from, Timestamp to, std::chrono::minutes utc_offset) = 0;
  /// A task's records with record ids above `after`, oldest first, at most `limit`, with the
  /// record id of each: how an export streams a task of any size page by page.
  virtual std::vector<std::pair<std::int64_t, domain::CallRecord>> task_records_after(
      TaskId task_id, std::int64_t after, std::int64_t limit) = 0;

  // --- dialer sync --------------------------------------------------------------------------
  /// The job group's cursor with this dialer account; empty when it was never synced.
  virtual std::optional<SyncCursor> find_sync_cursor(std::string_view account,
                                                     std::string_view job_group_id) = 0;
  /// Sets the job group's cursor to `next` only if it still is `expected` (nothing: no cursor
  /// yet). False when another sync moved it first; the caller then rolls back.
  virtual bool advance_sync_cursor(std::string_view account, std::string_view job_group_id,
                                   const std::optional<std::string>& expected,
                                   std::string_view next, Timestamp now) = 0;
  /// Records how a sync of the job group went on each of its tasks that is not deleted;
  /// returns how many tasks that is.
  virtual std::int64_t record_sync(std::string_view job_group_id, const TaskSyncState& state) = 0;
  /// The task's last sync; empty when it was never synced.
  virtual std::optional<TaskSyncState> task_sync(TaskId task_id) = 0;
  /// The distinct job groups of calling tasks (state 2) greater than `after` in byte order,
  /// in that order, at most `limit`: what the periodic puller walks.
  virtual std::vector<std::string> calling_job_groups(std::string_view after,
                                                      std::int64_t limit) = 0;
};

/// How busy the store's connections are, for the `/metrics` pool gauges.
struct PoolUse {
  int in_use = 0;  ///< connections lent to transactions now
  int size = 0;    ///< connections at most (SQLite: the read connections beside the writer)
};

/// Whether a transaction writes. Read transactions see one consistent snapshot and may run
/// beside writes; write transactions are serialised by the database. A single read runs one
/// statement only, which is its own snapshot: PostgreSQL sends it without BEGIN and COMMIT
/// (one round trip instead of three); elsewhere it is a read transaction.
enum class TxMode { kRead, kWrite, kSingleRead };

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
  /// The connections in use now; cheap, safe from any thread.
  [[nodiscard]] virtual PoolUse pool_use() const = 0;
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
