#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "storage/common/names.hpp"
#include "storage/common/report_stats.hpp"
#include "storage/postgres/pg_sql.hpp"
#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// The columns `read_record` reads, in its order.
constexpr std::string_view kRecordColumns =
    "call_id, task_id, lead_id, phone, job_group_id, job_id, call_status, connected, started_at, "
    "ended_at, duration, event_time, extra, created_at, updated_at";

store_api::StoredRecord read_record(const Result& r, int row) {
  store_api::StoredRecord out;
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
/// event_time, the stored one's created_at between them, then the call_id), counted into the
/// report's aggregates; `finals` says, by call_id, whether each version's status is final.
void count_update(const Result& r, int row,
                  const std::map<std::string, std::pair<bool, bool>, std::less<>>& finals,
                  report_stats::Deltas& deltas) {
  const auto final_flags = finals.find(r.text(row, 15));
  const bool stored_final = final_flags != finals.end() && final_flags->second.first;
  const bool new_final = final_flags != finals.end() && final_flags->second.second;
  const TaskId task_id = r.int64(row, 0);
  const LeadId lead_id = r.int64(row, 1);
  const Timestamp created_at = timestamp(r.int64(row, 8));
  auto version = [&](int first, bool final_status) {
    domain::RecordFields f;
    f.call_status = std::string(r.text(row, first));
    f.started_at = timestamp(r.optional_int64(row, first + 2));
    f.ended_at = timestamp(r.optional_int64(row, first + 3));
    f.duration = r.optional_int64(row, first + 4);
    f.event_time = timestamp(r.optional_int64(row, first + 5));
    return report_stats::contribution(task_id, lead_id, f, r.boolean(row, first + 1), final_status,
                                      created_at);
  };
  deltas.update(version(2, stored_final), version(9, new_final));
}

/// Column arrays for the new or for the changed records of a batch.
struct Columns {
  std::vector<std::optional<std::string>> call_id, task_id, lead_id, phone, job_group_id, job_id,
      call_status, connected, started_at, ended_at, duration, event_time, extra;
  void add(const store_api::RecordWrite& r) {
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

  /// The parameters of `insert_records` (`inserting`) or of `update_records`: the arrays in the
  /// statement's order (an update leaves out the task, lead and phone, which it never changes),
  /// then the time of the write.
  [[nodiscard]] Params params(bool inserting, Timestamp now) const {
    Params p;
    p.add_array(call_id);
    if (inserting) {
      p.add_array(task_id).add_array(lead_id).add_array(phone);
    }
    p.add_array(job_group_id)
        .add_array(job_id)
        .add_array(call_status)
        .add_array(connected)
        .add_array(started_at)
        .add_array(ended_at)
        .add_array(duration)
        .add_array(event_time)
        .add_array(extra)
        .add(millis(now));
    return p;
  }
};

}  // namespace

std::vector<NamedStatement> record_statements() {
  return {
      {"find_records", sql({"SELECT ", kRecordColumns,
                            " FROM outbound_call_records WHERE call_id = ANY($1::text[])"})},
      {"find_records_for_update",
       sql({"SELECT ", kRecordColumns,
            " FROM outbound_call_records WHERE call_id = ANY($1::text[]) ORDER BY call_id "
            "FOR UPDATE"})},
      {"insert_records",
       sql({"INSERT INTO outbound_call_records (", kRecordColumns,
            ") SELECT u.call_id, u.task_id, u.lead_id, u.phone, u.job_group_id, u.job_id, "
            "u.call_status, u.connected, u.started_at, u.ended_at, u.duration, u.event_time, "
            "u.extra, $14, $14 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], "
            "$5::text[], $6::text[], $7::text[], $8::boolean[], $9::bigint[], $10::bigint[], "
            "$11::bigint[], $12::bigint[], $13::text[]) AS u(call_id, task_id, lead_id, phone, "
            "job_group_id, job_id, call_status, connected, started_at, ended_at, duration, "
            "event_time, extra)"})},
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
       "r.ended_at, r.duration, r.event_time, r.call_id"},
      // A page of a task's records and their total (the task's counter, kept by
      // upsert_records) in one statement, so one snapshot without BEGIN and COMMIT: the
      // page's rows, each with the total after its columns, or one row of nulls and the total
      // when the page is empty; no row for a task that does not exist.
      {"task_records",
       sql({"SELECT r.*, t.record_count FROM call_tasks t LEFT JOIN LATERAL (SELECT ",
            kRecordColumns,
            ", record_id FROM outbound_call_records WHERE task_id = t.task_id "
            "ORDER BY record_id DESC LIMIT $2 OFFSET $3) r ON true WHERE t.task_id = $1 "
            "ORDER BY r.record_id DESC"})},
      {"lead_records", sql({"SELECT ", kRecordColumns,
                            " FROM outbound_call_records WHERE task_id = $1 AND lead_id = $2 "
                            "ORDER BY coalesce(started_at, event_time, created_at), record_id"})},
      {"task_records_after", sql({"SELECT ", kRecordColumns,
                                  ", record_id FROM outbound_call_records WHERE task_id = $1 "
                                  "AND record_id > $2 ORDER BY record_id LIMIT $3"})},
      // A scan for `recount` (no index on the times: it runs rarely, never on a request).
      {"records_stamped_after",
       sql({"SELECT ", kRecordColumns,
            ", record_id FROM outbound_call_records WHERE (started_at > $1 OR ended_at > $1 OR "
            "event_time > $1) AND ($2::bigint IS NULL OR task_id = $2) AND record_id > $3 "
            "ORDER BY record_id LIMIT $4"})},
  };
}

namespace {

/// The call records port. Its writes move the tasks' record counts and the report's aggregates
/// (add_record_stats), settle their leads (write_leads) and lock the tasks (lock_task_rows).
class PgRecords final : public LockingPortOn<store_api::RecordStore> {
 public:
  using LockingPortOn::LockingPortOn;

  std::vector<store_api::StoredRecord> find_records(
      std::span<const std::string> call_ids) override {
    if (call_ids.empty()) {
      return {};
    }
    std::vector<std::optional<std::string>> ids(call_ids.begin(), call_ids.end());
    // A write locks them in call_id order, the same order in every transaction.
    return c_
        .run(read_statement("find_records", "find_records_for_update"), Params{}.add_array(ids))
        .read_all(read_record);
  }

 private:
  /// The records and their aggregates; with `settle`, their leads' connections and states too.
  std::vector<domain::Task> write_records(std::span<const store_api::RecordWrite> records,
                                          Timestamp now, bool settle) override {
    Columns inserts;
    Columns updates;
    std::map<TaskId, std::int64_t> inserted;
    std::vector<TaskId> tasks;
    report_stats::Deltas deltas;
    std::map<std::string, std::pair<bool, bool>, std::less<>> finals;  // of the updates
    for (const auto& r : records) {
      tasks.push_back(r.task_id);
      if (settle && r.connected) {
        deltas.connect(r.task_id, r.lead_id);
      }
      if (r.is_new) {
        inserts.add(r);
        ++inserted[r.task_id];
        deltas.insert(report_stats::contribution(r.task_id, r.lead_id, r.fields, r.connected,
                                                 r.final_status, now));
      } else {
        updates.add(r);
        finals[r.call_id] = {r.stored_final, r.final_status};
      }
    }
    if (!inserts.call_id.empty()) {
      c_.run("insert_records", inserts.params(true, now));
    }
    if (!updates.call_id.empty()) {
      const auto changed = c_.run("update_records", updates.params(false, now));
      for (int i = 0; i < changed.rows(); ++i) {
        count_update(changed, i, finals, deltas);
      }
    }
    const auto moves = write_leads(c_, deltas.lead_stats(), now, settle);
    // Only now, with the rows written, the tasks are locked (in id order) for their counters:
    // a concurrent writer for the same task waits for this transaction's counter updates and
    // commit, not for its reads and inserts.
    std::sort(tasks.begin(), tasks.end());
    tasks.erase(std::unique(tasks.begin(), tasks.end()), tasks.end());
    // The rows as locked, then as counted: what the caller reads of its tasks (their policies,
    // their counters for completion) comes with these two statements.
    auto locked = lock_task_rows(c_, tasks);
    if (!inserted.empty() || !moves.empty() || !deltas.call_stats().empty()) {
      for (auto& counted : add_record_stats(c_, inserted, moves, deltas, now)) {
        const auto at =
            std::lower_bound(locked.begin(), locked.end(), counted.task_id,
                             [](const domain::Task& task, TaskId id) { return task.task_id < id; });
        if (at != locked.end() && at->task_id == counted.task_id) {
          *at = std::move(counted);
        }
      }
    }
    return locked;
  }

 public:
  store_api::RecordPage task_records(TaskId task_id, std::int64_t page,
                                     std::int64_t page_size) override {
    store_api::RecordPage out;
    const auto r =
        c_.run("task_records",
               Params{}.add(task_id).add(page_size).add(store_api::page_offset(page, page_size)));
    constexpr int kTotalColumn = 16;  // after the record's 15 columns and its record_id
    if (r.rows() > 0) {
      out.total = r.int64(0, kTotalColumn);
    }
    out.items.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows() && !r.is_null(row, 0); ++row) {
      out.items.push_back(read_record(r, row).record);
    }
    return out;
  }

  std::vector<domain::CallRecord> lead_records(TaskId task_id, LeadId lead_id) override {
    return c_.run("lead_records", Params{}.add(task_id).add(lead_id))
        .read_all([](const Result& r, int row) { return read_record(r, row).record; });
  }

  std::vector<std::pair<std::int64_t, store_api::StoredRecord>> task_records_after(
      TaskId task_id, std::int64_t after, std::int64_t limit) override {
    return c_.run("task_records_after", Params{}.add(task_id).add(after).add(limit))
        .read_all([](const Result& r, int row) {
          return std::pair(r.int64(row, 15), read_record(r, row));
        });
  }

  std::vector<std::pair<std::int64_t, domain::CallRecord>> records_stamped_after(
      Timestamp latest, std::optional<TaskId> task_id, std::int64_t after,
      std::int64_t limit) override {
    return c_
        .run("records_stamped_after",
             Params{}.add(millis(latest)).add(task_id).add(after).add(limit))
        .read_all([](const Result& r, int row) {
          return std::pair(r.int64(row, 15), read_record(r, row).record);
        });
  }
};

}  // namespace

std::unique_ptr<store_api::RecordStore> make_records(Connection& c, TxMode mode) {
  return std::make_unique<PgRecords>(c, mode);
}

}  // namespace dialtrack::storage::postgres
