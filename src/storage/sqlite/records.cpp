#include <algorithm>
#include <map>

#include "storage/common/names.hpp"
#include "storage/common/report_stats.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

namespace {

constexpr const char* kRecordColumns =
    "call_id, task_id, lead_id, phone, job_group_id, job_id, call_status, connected, started_at, "
    "ended_at, duration, event_time, extra, created_at, updated_at";

/// `to` set to a column's text, in the room it has already.
void assign(std::string& to, std::string_view text) {
  to.assign(text);
}

void assign(std::optional<std::string>& to, std::optional<std::string_view> text) {
  if (!text) {
    to.reset();
  } else if (to) {
    to->assign(*text);
  } else {
    to.emplace(*text);
  }
}

/// Reads a record row into `out`, whose strings keep their room from the row before.
void read_record(const Statement& s, store_api::StoredRecord& out) {
  auto& r = out.record;
  assign(r.call_id, s.text_view(0));
  r.task_id = s.int64(1);
  out.lead_id = s.int64(2);
  assign(r.phone, s.text_view(3));
  assign(r.fields.job_group_id, s.optional_text_view(4));
  assign(r.fields.job_id, s.optional_text_view(5));
  assign(r.fields.call_status, s.text_view(6));
  r.connected = s.int64(7) != 0;
  r.fields.started_at = timestamp(s.optional_int64(8));
  r.fields.ended_at = timestamp(s.optional_int64(9));
  r.fields.duration = s.optional_int64(10);
  r.fields.event_time = timestamp(s.optional_int64(11));
  assign(r.fields.extra_json, s.optional_text_view(12));
  r.created_at = timestamp(s.int64(13));
  r.updated_at = timestamp(s.int64(14));
}

store_api::StoredRecord read_record(const Statement& s) {
  store_api::StoredRecord out;
  read_record(s, out);
  return out;
}

/// The stored version of a record as the report's aggregates count it (find_record_stats),
/// and its created_at.
std::pair<report_stats::Contribution, Timestamp> read_contribution(const Statement& s,
                                                                   bool final_status) {
  domain::RecordFields fields;
  fields.call_status = s.text(2);
  fields.started_at = timestamp(s.optional_int64(4));
  fields.ended_at = timestamp(s.optional_int64(5));
  fields.duration = s.optional_int64(6);
  fields.event_time = timestamp(s.optional_int64(7));
  const Timestamp created_at = timestamp(s.int64(8));
  return {report_stats::contribution(s.int64(0), s.int64(1), fields, s.int64(3) != 0, final_status,
                                     created_at),
          created_at};
}

}  // namespace

RecordStatements::RecordStatements(Database& db)
    : find_record(db,
                  sql("SELECT ", kRecordColumns, " FROM outbound_call_records WHERE call_id = ?1")),
      insert_record(
          db, sql("INSERT INTO outbound_call_records (", kRecordColumns,
                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)")),
      update_record(db,
                    "UPDATE outbound_call_records SET job_group_id = ?2, job_id = ?3, "
                    "call_status = ?4, connected = ?5, started_at = ?6, ended_at = ?7, "
                    "duration = ?8, event_time = ?9, extra = ?10, updated_at = ?11 "
                    "WHERE call_id = ?1"),
      task_records(db, sql("SELECT ", kRecordColumns,
                           " FROM outbound_call_records WHERE task_id = ?1 ORDER BY record_id "
                           "DESC LIMIT ?2 OFFSET ?3")),
      // The total of task_records: the task's counter, kept by upsert_records.
      record_count(db, "SELECT record_count FROM call_tasks WHERE task_id = ?1"),
      task_records_after(db, sql("SELECT ", kRecordColumns,
                                 ", record_id FROM outbound_call_records WHERE task_id = ?1 "
                                 "AND record_id > ?2 ORDER BY record_id LIMIT ?3")),
      // A scan for `recount` (no index on the times: it runs rarely, never on a request).
      records_stamped_after(
          db, sql("SELECT ", kRecordColumns,
                  ", record_id FROM outbound_call_records WHERE (started_at > ?1 OR "
                  "ended_at > ?1 OR event_time > ?1) AND (?2 IS NULL OR task_id = ?2) AND "
                  "record_id > ?3 ORDER BY record_id LIMIT ?4")),
      lead_records(db, sql("SELECT ", kRecordColumns,
                           " FROM outbound_call_records WHERE task_id = ?1 AND lead_id = ?2 "
                           "ORDER BY coalesce(started_at, event_time, created_at), record_id")),
      // What an overwrite takes out of the report's aggregates: the stored version.
      find_record_stats(db,
                        "SELECT task_id, lead_id, call_status, connected, started_at, "
                        "ended_at, duration, event_time, created_at "
                        "FROM outbound_call_records WHERE call_id = ?1") {}

namespace {

/// The call records port. Its writes move the tasks' record counts (add_record_count), the
/// report's aggregates (apply_report_deltas) and the leads with their counters (write_leads).
class SqliteRecords final : public PortOn<store_api::RecordStore, Connection> {
 public:
  using PortOn::PortOn;

  std::vector<store_api::StoredRecord> find_records(
      std::span<const std::string> call_ids) override {
    std::vector<store_api::StoredRecord> out;
    for (const auto& call_id : call_ids) {
      auto& s = c_.records->find_record.bind(call_id);
      if (s.step()) {
        out.push_back(read_record(s));
      }
    }
    return out;
  }

 private:
  /// The records and their aggregates; with `settle`, their leads' connections and states too.
  std::vector<domain::Task> write_records(std::span<const store_api::RecordWrite> records,
                                          Timestamp now, bool settle) override {
    std::map<TaskId, std::int64_t> inserted;
    report_stats::Deltas deltas;
    for (const auto& r : records) {
      const auto& f = r.fields;
      if (r.is_new) {
        c_.records->insert_record
            .bind(r.call_id, r.task_id, r.lead_id, r.phone, f.job_group_id, f.job_id, f.call_status,
                  r.connected ? 1 : 0, millis(f.started_at), millis(f.ended_at), f.duration,
                  millis(f.event_time), f.extra_json, millis(now))
            .run();
        ++inserted[r.task_id];
        deltas.insert(
            report_stats::contribution(r.task_id, r.lead_id, f, r.connected, r.final_status, now));
        if (settle && r.connected) {
          deltas.connect(r.task_id, r.lead_id);
        }
      } else {
        // The stored version leaves the aggregates; the row is hot: the caller just read it.
        auto& stored = c_.records->find_record_stats.bind(r.call_id);
        if (!stored.step()) {
          continue;  // nothing to overwrite
        }
        const auto before = read_contribution(stored, r.stored_final);
        c_.records->update_record
            .bind(r.call_id, f.job_group_id, f.job_id, f.call_status, r.connected ? 1 : 0,
                  millis(f.started_at), millis(f.ended_at), f.duration, millis(f.event_time),
                  f.extra_json, millis(now))
            .run();
        deltas.update(before.first,
                      report_stats::contribution(before.first.task_id, before.first.lead_id, f,
                                                 r.connected, r.final_status, before.second));
        if (settle && r.connected) {
          deltas.connect(before.first.task_id, before.first.lead_id);
        }
      }
    }
    for (const auto& [task_id, count] : inserted) {
      add_record_count(c_, task_id, count, now);
    }
    apply_report_deltas(c_, deltas);
    write_leads(c_, deltas.lead_stats(), now, settle);
    // The tasks as they are now, read by the tasks port on this connection (the writer's own
    // reads: no round trip to save).
    std::vector<TaskId> task_ids;
    task_ids.reserve(records.size());
    for (const auto& r : records) {
      task_ids.push_back(r.task_id);
    }
    return make_tasks(c_, store_api::TxMode::kWrite)->find_tasks(task_ids);
  }

 public:
  store_api::RecordPage task_records(TaskId task_id, std::int64_t page,
                                     std::int64_t page_size) override {
    // The visited page, copied: room for it at once from the count (a page of 50 records grew
    // the vector seven times).
    class Collect final : public store_api::RecordVisitor {
     public:
      Collect(std::int64_t offset, std::int64_t page_size)
          : offset_(offset), page_size_(page_size) {}
      void total(std::int64_t total) override {
        page.total = total;
        page.items.reserve(
            static_cast<std::size_t>(std::clamp<std::int64_t>(total - offset_, 0, page_size_)));
      }
      void record(const domain::CallRecord& record) override { page.items.push_back(record); }
      store_api::RecordPage page;

     private:
      std::int64_t offset_;
      std::int64_t page_size_;
    };
    Collect collect(store_api::page_offset(page, page_size), page_size);
    visit_task_records(task_id, page, page_size, collect);
    return std::move(collect.page);
  }

  void visit_task_records(TaskId task_id, std::int64_t page, std::int64_t page_size,
                          store_api::RecordVisitor& visitor) override {
    // The count first, in the same snapshot as the page.
    auto& count = c_.records->record_count.bind(task_id);
    visitor.total(count.step() ? count.int64(0) : 0);
    auto& rows =
        c_.records->task_records.bind(task_id, page_size, store_api::page_offset(page, page_size));
    store_api::StoredRecord row;  // every row read into it: its strings keep their room
    while (rows.step()) {
      read_record(rows, row);
      visitor.record(row.record);
    }
  }

  std::vector<domain::CallRecord> lead_records(TaskId task_id, LeadId lead_id) override {
    return c_.records->lead_records.bind(task_id, lead_id).read_all([](const Statement& s) {
      return read_record(s).record;
    });
  }

  std::vector<std::pair<std::int64_t, store_api::StoredRecord>> task_records_after(
      TaskId task_id, std::int64_t after, std::int64_t limit) override {
    return c_.records->task_records_after.bind(task_id, after, limit)
        .read_all([](const Statement& s) { return std::pair(s.int64(15), read_record(s)); });
  }

  std::vector<std::pair<std::int64_t, domain::CallRecord>> records_stamped_after(
      Timestamp latest, std::optional<TaskId> task_id, std::int64_t after,
      std::int64_t limit) override {
    return c_.records->records_stamped_after.bind(millis(latest), task_id, after, limit)
        .read_all([](const Statement& s) { return std::pair(s.int64(15), read_record(s).record); });
  }
};

}  // namespace

std::unique_ptr<store_api::RecordStore> make_records(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteRecords>(c);
}

}  // namespace dialtrack::storage::sqlite
