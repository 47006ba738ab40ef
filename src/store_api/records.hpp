#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"
#include "store_api/page.hpp"

namespace dialtrack::store_api {

using domain::LeadId;
using domain::TaskId;
using domain::Timestamp;

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
  /// The status is final under the task's policy (domain::CompletionPolicy::is_final), now and
  /// in the stored version this write overwrites: the lead's count of final attempts moves by
  /// the difference.
  bool final_status = false;
  bool stored_final = false;
};

struct RecordPage {
  std::vector<domain::CallRecord> items;
  std::int64_t total = 0;
};

/// What a page of records is handed to as it is read (RecordStore::visit_task_records).
class RecordVisitor : public domain::Interface {
 public:
  /// Called first, once: the task's record count (RecordPage::total).
  virtual void total(std::int64_t total) = 0;
  /// Called then for each record of the page, in the page's order. The record is valid during
  /// the call only.
  virtual void record(const domain::CallRecord& record) = 0;
};

/// The call records port: every attempt the dialer reported, by call_id.
class RecordStore : public domain::Interface {
 public:
  /// Loads the stored records for these call ids (locking them on backends that lock rows).
  virtual std::vector<StoredRecord> find_records(std::span<const std::string> call_ids) = 0;
  /// Inserts the new records (`is_new`) and overwrites the others by call_id; keeps the task's
  /// record count and the report's aggregates (see `ReportStore::task_report`) in step: an
  /// overwrite takes the stored version out of them and adds the new one. On backends with row
  /// locks the tasks of these records are locked (`TaskStore::lock_tasks`) after the rows are
  /// written and the leads' aggregates moved (their lead rows locked in lead id order), before
  /// any task counter or status row moves, and stay locked to the end: concurrent writers for
  /// one task wait only for its counters and the commit. Returns the tasks of these records as
  /// they stand after the write (counters included), in id order: on backends with row locks
  /// read by the statements that lock and count them, so a writer needs no further round trip
  /// while it holds them.
  std::vector<domain::Task> upsert_records(std::span<const RecordWrite> records, Timestamp now) {
    return write_records(records, now, false);
  }
  /// `upsert_records`, then `LeadStore::settle_leads` of the records' leads, in one write of
  /// each lead row: the leads of connected records are connected, every lead whose attempts,
  /// final attempts or latest attempt moved gets its state set again from its row, and the
  /// tasks' connected, settled and unreachable counters move by the leads that changed (what
  /// ingestion does with a batch). Returns the tasks as `upsert_records` does.
  std::vector<domain::Task> upsert_and_settle(std::span<const RecordWrite> records, Timestamp now) {
    return write_records(records, now, true);
  }
  /// A task's records, newest first, and their total, read in one snapshot: the page may be a
  /// transaction's only read under TxMode::kSingleRead (PostgreSQL reads both in one statement).
  virtual RecordPage task_records(TaskId task_id, std::int64_t page, std::int64_t page_size) = 0;
  /// The same page handed to `visitor` as it is read instead of kept: a backend may hand every
  /// record in one object that it refills (no allocation per record). This default hands over
  /// `task_records`' page.
  virtual void visit_task_records(TaskId task_id, std::int64_t page, std::int64_t page_size,
                                  RecordVisitor& visitor) {
    const auto records = task_records(task_id, page, page_size);
    visitor.total(records.total);
    for (const auto& record : records.items) {
      visitor.record(record);
    }
  }
  /// A lead's records, oldest call first (by started_at, else event_time, else created_at). A
  /// scan of the task's records: no index by lead, which would cost ingestion a page per record.
  virtual std::vector<domain::CallRecord> lead_records(TaskId task_id, LeadId lead_id) = 0;
  /// A task's records with record ids above `after`, oldest first, at most `limit`, with the
  /// record id of each (and the lead of each): how an export streams a task of any size page
  /// by page.
  virtual std::vector<std::pair<std::int64_t, StoredRecord>> task_records_after(
      TaskId task_id, std::int64_t after, std::int64_t limit) = 0;
  /// The records (of `task_id` alone, or of every task) whose `started_at`, `ended_at` or
  /// `event_time` is later than `latest`, with record ids above `after`, in record id order, at
  /// most `limit`, with the record id of each. A scan, for `recount`, never on a request path.
  virtual std::vector<std::pair<std::int64_t, domain::CallRecord>> records_stamped_after(
      Timestamp latest, std::optional<TaskId> task_id, std::int64_t after, std::int64_t limit) = 0;

 protected:
  /// What `upsert_records` (`settle` false) and `upsert_and_settle` (true) do: each backend
  /// writes the records and their aggregates once, and with `settle` their leads' connections
  /// and states too; returns the records' tasks after the write, in id order.
  virtual std::vector<domain::Task> write_records(std::span<const RecordWrite> records,
                                                  Timestamp now, bool settle) = 0;
};

}  // namespace dialtrack::store_api
