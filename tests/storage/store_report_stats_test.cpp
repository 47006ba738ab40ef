// The report's aggregates that record writes keep (schema version 6): overwrites move a call
// to its new status and quarter hour, a phone's latest status follows its latest attempt, a
// rebuild from the records gives what the writes kept, and migrating a version-5 database
// fills them from the records already stored.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "storage/common/migrations.hpp"
#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

// 2026-11-28T09:00:00Z.
constexpr std::int64_t kT0 = 1'795'824'000'000 + 9 * kHour;

store_api::RecordWrite call(std::string call_id, const store_api::LeadMatch& lead,
                            std::string status, bool connected, std::optional<std::int64_t> started,
                            std::optional<std::int64_t> event, std::optional<std::int64_t> duration,
                            bool is_new = true) {
  auto write = record_write(std::move(call_id), lead, std::move(status), connected, is_new);
  if (started) {
    write.fields.started_at = at(*started);
  }
  if (event) {
    write.fields.event_time = at(*event);
  }
  write.fields.duration = duration;
  return write;
}

std::string millis_text(const std::optional<Timestamp>& t) {
  return t ? std::to_string(t->time_since_epoch().count()) : "null";
}

/// The report rows in one canonical text (statuses and latest rows sorted), so that two
/// reports compare as strings and a difference reads in the failure message.
std::string describe(const store_api::TaskReportRows& rows) {
  auto by_status = rows.by_status;
  std::sort(by_status.begin(), by_status.end(),
            [](const auto& a, const auto& b) { return a.call_status < b.call_status; });
  auto by_latest = rows.by_latest;
  std::sort(by_latest.begin(), by_latest.end(), [](const auto& a, const auto& b) {
    return std::tie(a.call_status, a.attempts) < std::tie(b.call_status, b.attempts);
  });
  std::ostringstream out;
  for (const auto& s : by_status) {
    out << "status " << s.call_status << ": calls " << s.calls << ", connected "
        << s.connected_calls << ", talk " << s.talk_seconds << " s in " << s.talk_calls
        << ", first " << millis_text(s.first_call_at) << ", last " << millis_text(s.last_call_at)
        << "\n";
  }
  for (const auto& l : by_latest) {
    out << "latest " << l.call_status << " after " << l.attempts << ": " << l.phones << " phones\n";
  }
  for (const auto& h : rows.by_hour) {
    out << "hour " << millis_text(h.hour) << ": calls " << h.calls << ", connected "
        << h.connected_calls << "\n";
  }
  return out.str();
}

std::string describe_calls(const store_api::DailyRows& rows) {
  auto calls = rows.calls;
  std::sort(calls.begin(), calls.end(), [](const auto& a, const auto& b) { return a.day < b.day; });
  std::ostringstream out;
  for (const auto& d : calls) {
    out << "day " << d.day << ": calls " << d.count << ", connected " << d.connected << "\n";
  }
  return out.str();
}

std::map<std::string, store_api::StatusCalls> status_map(const store_api::TaskReportRows& rows) {
  std::map<std::string, store_api::StatusCalls> out;
  for (const auto& s : rows.by_status) {
    out[s.call_status] = s;
  }
  return out;
}

/// Latest status -> (attempts, phones).
std::map<std::string, std::pair<std::int64_t, std::int64_t>> latest_map(
    const store_api::TaskReportRows& rows) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& l : rows.by_latest) {
    EXPECT_FALSE(out.contains(l.call_status)) << l.call_status << " with several attempt counts";
    out[l.call_status] = {l.attempts, l.phones};
  }
  return out;
}

/// (attempts, phones), as latest_map has them.
std::pair<std::int64_t, std::int64_t> ap(std::int64_t attempts, std::int64_t phones) {
  return {attempts, phones};
}

TEST_P(StoreContract, OverwriteMovesACallToItsNewStatusAndQuarterHour) {
  const TaskId id = add_task({"100", "200"});
  const auto a = lead(id, "100");
  const auto b = lead(id, "200");
  {
    auto tx = begin_write();
    const std::vector<store_api::RecordWrite> first{
        call("a-1", a, "NoAnswer", false, kT0, kT0 + 20 * kSecond, std::nullopt),
        call("b-1", b, "NoAnswer", false, kT0 + 30 * kMinute, kT0 + 31 * kMinute, std::nullopt)};
    tx->records().upsert_records(first, at(kT0 + 3 * kHour));
    tx->commit();
  }
  {
    // a-1 turns out answered, and started two hours later than first said.
    auto tx = begin_write();
    const std::vector<store_api::RecordWrite> update{call(
        "a-1", a, "SucceededFinish", true, kT0 + 2 * kHour, kT0 + 2 * kHour + kMinute, 40, false)};
    tx->records().upsert_records(update, at(kT0 + 4 * kHour));
    tx->commit();
  }
  auto rows = begin_read()->reports().task_report(id);
  auto by_status = status_map(rows);
  ASSERT_EQ(by_status.size(), 2U);
  EXPECT_EQ(by_status["NoAnswer"].calls, 1);
  EXPECT_EQ(by_status["NoAnswer"].first_call_at, at(kT0 + 30 * kMinute));
  EXPECT_EQ(by_status["NoAnswer"].last_call_at, at(kT0 + 30 * kMinute));
  EXPECT_EQ(by_status["SucceededFinish"].calls, 1);
  EXPECT_EQ(by_status["SucceededFinish"].connected_calls, 1);
  EXPECT_EQ(by_status["SucceededFinish"].talk_seconds, 40);
  EXPECT_EQ(by_status["SucceededFinish"].talk_calls, 1);
  EXPECT_EQ(by_status["SucceededFinish"].first_call_at, at(kT0 + 2 * kHour));
  ASSERT_EQ(rows.by_hour.size(), 2U);
  EXPECT_EQ(rows.by_hour[0].hour, at(kT0));
  EXPECT_EQ(rows.by_hour[0].calls, 1);
  EXPECT_EQ(rows.by_hour[0].connected_calls, 0);
  EXPECT_EQ(rows.by_hour[1].hour, at(kT0 + 2 * kHour));
  EXPECT_EQ(rows.by_hour[1].calls, 1);
  EXPECT_EQ(rows.by_hour[1].connected_calls, 1);
  EXPECT_EQ(latest_map(rows), (std::map<std::string, std::pair<std::int64_t, std::int64_t>>{
                                  {"NoAnswer", ap(1, 1)}, {"SucceededFinish", ap(1, 1)}}));

  {
    // b-1 changes status in place: NoAnswer has no call left and leaves the report.
    auto tx = begin_write();
    const std::vector<store_api::RecordWrite> update{
        call("b-1", b, "Busy", false, kT0 + 30 * kMinute, kT0 + 31 * kMinute, std::nullopt, false)};
    tx->records().upsert_records(update, at(kT0 + 5 * kHour));
    tx->commit();
  }
  rows = begin_read()->reports().task_report(id);
  by_status = status_map(rows);
  ASSERT_EQ(by_status.size(), 2U);
  EXPECT_EQ(by_status["Busy"].calls, 1);
  EXPECT_EQ(by_status["SucceededFinish"].calls, 1);
  ASSERT_EQ(rows.by_hour.size(), 2U);
  EXPECT_EQ(rows.by_hour[0].calls, 1);
  EXPECT_EQ(latest_map(rows), (std::map<std::string, std::pair<std::int64_t, std::int64_t>>{
                                  {"Busy", ap(1, 1)}, {"SucceededFinish", ap(1, 1)}}));
  const auto day = begin_read()->reports().daily_counts(at(kT0 - 9 * kHour), at(kT0 + 15 * kHour),
                                                        std::chrono::minutes{0});
  ASSERT_EQ(day.calls.size(), 1U);
  EXPECT_EQ(day.calls[0].count, 2);
  EXPECT_EQ(day.calls[0].connected, 1);
}

TEST_P(StoreContract, LatestStatusFollowsThePhonesLatestAttempt) {
  const TaskId id = add_task({"100", "200"});
  const auto a = lead(id, "100");
  const auto b = lead(id, "200");
  auto write = [&](const std::vector<store_api::RecordWrite>& writes, std::int64_t now) {
    auto tx = begin_write();
    tx->records().upsert_records(writes, at(now));
    tx->commit();
  };
  auto latest = [&] { return latest_map(begin_read()->reports().task_report(id)); };
  using Latest = std::map<std::string, std::pair<std::int64_t, std::int64_t>>;

  write({call("a-1", a, "NoAnswer", false, std::nullopt, kT0 + 10 * kSecond, std::nullopt)},
        kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"NoAnswer", ap(1, 1)}}));
  write({call("a-2", a, "Busy", false, std::nullopt, kT0 + kHour, std::nullopt)}, kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"Busy", ap(2, 1)}}));
  // An attempt that arrives late but happened earlier is counted, and is not the latest.
  write({call("a-3", a, "SucceededFinish", true, std::nullopt, kT0 + 30 * kMinute, 12)},
        kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"Busy", ap(3, 1)}}));
  // The latest attempt changes status: the phone's latest status follows.
  write({call("a-2", a, "PoweredOff", false, std::nullopt, kT0 + kHour, std::nullopt, false)},
        kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"PoweredOff", ap(3, 1)}}));
  // ... and its time moves earlier, still after a-3: it stays the latest, with its new status.
  write(
      {call("a-2", a, "Unreachable", false, std::nullopt, kT0 + 45 * kMinute, std::nullopt, false)},
      kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"Unreachable", ap(3, 1)}}));
  // Another attempt between them is not later than a-2.
  write({call("a-4", a, "NoAnswer", false, std::nullopt, kT0 + 40 * kMinute, std::nullopt)},
        kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"Unreachable", ap(4, 1)}}));

  // A first callback without any time counts when it was stored; the dialer's next callback
  // brings an earlier event time. The record stays the phone's latest, with its new status.
  write({call("b-1", b, "Busy", false, kT0 + kHour, kT0 + kHour, std::nullopt),
         call("b-2", b, "Ringing", false, std::nullopt, std::nullopt, std::nullopt)},
        kT0 + 5 * kHour);
  EXPECT_EQ(latest(), (Latest{{"Unreachable", ap(4, 1)}, {"Ringing", ap(2, 1)}}));
  write({call("b-2", b, "NoAnswer", false, std::nullopt, kT0 + 2 * kHour, std::nullopt, false)},
        kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"Unreachable", ap(4, 1)}, {"NoAnswer", ap(2, 1)}}));
  // A tie with the latest attempt: the one written last wins.
  write({call("b-3", b, "SucceededClientHangUp", true, std::nullopt, kT0 + 2 * kHour, 5)},
        kT0 + 6 * kHour);
  EXPECT_EQ(latest(), (Latest{{"Unreachable", ap(4, 1)}, {"SucceededClientHangUp", ap(3, 1)}}));
}

TEST_P(StoreContract, RebuildReportStatsGivesWhatTheWritesKept) {
  const TaskId id = add_task({"100", "200", "300"});
  const TaskId other = add_task({"100"});
  const auto p = lead(id, "100");
  const auto q = lead(id, "200");
  const auto r = lead(id, "300");
  const auto o = lead(other, "100");
  auto write = [&](const std::vector<store_api::RecordWrite>& writes, std::int64_t now) {
    auto tx = begin_write();
    tx->records().upsert_records(writes, at(now));
    tx->commit();
  };
  write({call("p-1", p, "NoAnswer", false, kT0, kT0 + 10 * kSecond, std::nullopt),
         call("p-2", p, "Busy", false, kT0 + 50 * kMinute, kT0 + 51 * kMinute, std::nullopt),
         call("q-1", q, "SucceededFinish", true, kT0 + kHour, kT0 + kHour + 70 * kSecond, 60),
         call("q-2", q, "NoAnswer", false, std::nullopt, std::nullopt, std::nullopt),
         call("r-1", r, "NoAnswer", false, kT0 + 20 * kMinute, kT0 + 21 * kMinute, std::nullopt),
         call("o-1", o, "NoAnswer", false, kT0, kT0 + kMinute, std::nullopt)},
        kT0 + 4 * kHour);
  // Inserts and overwrites in one batch: statuses, quarter hours, hours and latest attempts
  // move; a connected call gains its duration.
  write(
      {call("p-2", p, "SucceededClientHangUp", true, kT0 + 2 * kHour,
            kT0 + 2 * kHour + 100 * kSecond, 90, false),
       call("q-2", q, "Busy", false, std::nullopt, kT0 + 3 * kHour, std::nullopt, false),
       call("r-1", r, "Busy", false, kT0 + 20 * kMinute, kT0 + 21 * kMinute, std::nullopt, false),
       call("s-1", r, "NoAnswer", false, kT0 + 3 * kHour + 10 * kMinute, std::nullopt,
            std::nullopt),
       call("p-3", p, "NoAnswer", false, std::nullopt, kT0 + 2 * kHour + 30 * kMinute,
            std::nullopt),
       call("q-1", q, "SucceededFinish", true, kT0 + kHour, kT0 + kHour + 80 * kSecond, 75, false),
       call("o-1", o, "Busy", false, kT0, kT0 + 2 * kMinute, std::nullopt, false)},
      kT0 + 5 * kHour);
  const auto kept = describe(begin_read()->reports().task_report(id));
  const auto kept_other = describe(begin_read()->reports().task_report(other));
  const auto kept_days = describe_calls(begin_read()->reports().daily_counts(
      at(kT0 - 9 * kHour), at(kT0 + 15 * kHour), std::chrono::minutes{0}));
  // What the writes kept, checked by hand once.
  const auto rows = begin_read()->reports().task_report(id);
  auto by_status = status_map(rows);
  EXPECT_EQ(by_status["NoAnswer"].calls, 3);  // p-1, s-1, p-3
  EXPECT_EQ(by_status["Busy"].calls, 2);      // q-2, r-1
  EXPECT_EQ(by_status["SucceededFinish"].talk_seconds, 75);
  EXPECT_EQ(by_status["SucceededClientHangUp"].talk_seconds, 90);
  // p: p-3 is the latest of 3; q: q-2 (3 h) after q-1; r: s-1 after r-1.
  EXPECT_NE(kept.find("latest Busy after 2: 1 phones\nlatest NoAnswer after 2: 1 phones\n"
                      "latest NoAnswer after 3: 1 phones\n"),
            std::string::npos)
      << kept;

  // Damage both tables behind the store's back, then rebuild the one task.
  execute_sql(
      "UPDATE task_call_stats SET calls = calls + 7, first_at = 0; "
      "UPDATE task_leads SET attempts = attempts + 1, latest_status = 'Lost'; "
      "INSERT INTO task_call_stats (task_id, call_status, slot, calls, connected_calls, "
      "talk_seconds, talk_calls, first_at, last_at) VALUES (" +
      std::to_string(id) + ", 'Ghost', 5, 3, 0, 0, 0, 1, 2)");
  ASSERT_NE(describe(begin_read()->reports().task_report(id)), kept);
  {
    auto tx = begin_write();
    tx->reports().rebuild_report_stats(id);
    tx->commit();
  }
  EXPECT_EQ(describe(begin_read()->reports().task_report(id)), kept);
  EXPECT_NE(describe(begin_read()->reports().task_report(other)), kept_other)
      << "only the one task";
  {
    auto tx = begin_write();
    tx->reports().rebuild_report_stats(other);
    tx->commit();
  }
  EXPECT_EQ(describe(begin_read()->reports().task_report(other)), kept_other);
  EXPECT_EQ(describe_calls(begin_read()->reports().daily_counts(
                at(kT0 - 9 * kHour), at(kT0 + 15 * kHour), std::chrono::minutes{0})),
            kept_days);
}

TEST_P(StoreContract, AuditFindsReportAggregatesThatMissRecords) {
  const TaskId id = add_task({"100"});
  write_records(
      {call("c-1", lead(id, "100"), "NoAnswer", false, kT0, std::nullopt, std::nullopt),
       call("c-2", lead(id, "100"), "Busy", false, kT0 + kHour, std::nullopt, std::nullopt)});
  auto audit = [&] {
    const auto audits = begin_read()->tasks().audit_counters(id, 0, 1);
    EXPECT_EQ(audits.size(), 1U);
    return audits.at(0);
  };
  auto before = audit();
  EXPECT_EQ(before.report_calls, 2);
  EXPECT_EQ(before.lead_attempts, 2);
  EXPECT_FALSE(before.report_drifted());

  execute_sql("DELETE FROM task_call_stats WHERE call_status = 'Busy'");
  auto after = audit();
  EXPECT_EQ(after.report_calls, 1);
  EXPECT_TRUE(after.report_drifted());
  EXPECT_FALSE(after.counters_drifted());
  EXPECT_TRUE(after.drifted());
  {
    auto tx = begin_write();
    tx->reports().rebuild_report_stats(id);
    tx->commit();
  }
  EXPECT_FALSE(audit().drifted());
}

TEST_P(StoreContract, MigratingAVersion5DatabaseFillsTheReportAggregatesFromItsRecords) {
  // The same records: written through the store here, and planted in a database of schema
  // version 5 (records only, as that version stored them) that is then migrated.
  const TaskId id = add_task({"100", "200", "300"});
  const auto a = lead(id, "100");
  const auto b = lead(id, "200");
  const auto c = lead(id, "300");
  const std::int64_t stored_at = kT0 + 6 * kHour;
  const std::vector<store_api::RecordWrite> writes{
      call("m-1", a, "NoAnswer", false, kT0, kT0 + 20 * kSecond, 0),
      call("m-2", a, "SucceededFinish", true, kT0 + kHour, kT0 + kHour + 70 * kSecond, 60),
      call("m-3", b, "Busy", false, std::nullopt, kT0 + 10 * kMinute, std::nullopt),
      call("m-4", b, "NoAnswer", false, std::nullopt, std::nullopt, std::nullopt),
      call("m-5", c, "SucceededClientHangUp", true, kT0 + 2 * kHour + 5 * kMinute,
           kT0 + 2 * kHour + 9 * kMinute, std::nullopt),
      call("m-6", c, "PoweredOff", false, kT0 + 23 * kHour, kT0 + 23 * kHour, std::nullopt)};
  {
    auto tx = begin_write();
    tx->records().upsert_records(writes, at(stored_at));
    tx->commit();
  }
  const auto expected = describe(begin_read()->reports().task_report(id));
  const Timestamp from = at(kT0 - 9 * kHour);
  const Timestamp to = at(kT0 - 9 * kHour + 3 * kDay);
  const auto east = std::chrono::minutes{8 * 60};
  const auto expected_days = describe_calls(begin_read()->reports().daily_counts(from, to, east));

  const auto v5 = another_database();
  v5->migrate_through(5);
  const std::string at_text = std::to_string(stored_at);
  v5->execute(
      "INSERT INTO call_tasks (task_id, name, task_type, total_calls, connected_calls, "
      "record_count, created_at, updated_at) VALUES (7, 'v5', 2, 3, 2, 6, 1000, 1000)");
  v5->execute(
      "INSERT INTO task_leads (lead_id, task_id, phone, connected_at, created_at) VALUES "
      "(71, 7, '100', 1000, 1000), (72, 7, '200', NULL, 1000), (73, 7, '300', 1000, 1000)");
  std::string insert =
      "INSERT INTO outbound_call_records (call_id, task_id, lead_id, phone, call_status, "
      "connected, started_at, ended_at, duration, event_time, created_at, updated_at) VALUES ";
  auto value = [](const std::optional<Timestamp>& t) { return millis_text(t); };
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const auto& w = writes[i];
    const std::string lead_id = w.lead_id == a.lead_id   ? "71"
                                : w.lead_id == b.lead_id ? "72"
                                                         : "73";
    insert += std::string(i == 0 ? "" : ", ") + "('" + w.call_id + "', 7, " + lead_id + ", '" +
              w.phone + "', '" + w.fields.call_status + "', " + (w.connected ? "TRUE" : "FALSE") +
              ", " + value(w.fields.started_at) + ", NULL, " +
              (w.fields.duration ? std::to_string(*w.fields.duration) : "NULL") + ", " +
              value(w.fields.event_time) + ", " + at_text + ", " + at_text + ")";
  }
  v5->execute(insert);

  const auto migrated = v5->open();
  EXPECT_EQ(migrated->migrate(), static_cast<int>(storage::kSchemaVersions.size()));
  EXPECT_EQ(describe(migrated->begin(store_api::TxMode::kRead)->reports().task_report(7)),
            expected);
  EXPECT_EQ(describe_calls(
                migrated->begin(store_api::TxMode::kRead)->reports().daily_counts(from, to, east)),
            expected_days);
  EXPECT_FALSE(
      migrated->begin(store_api::TxMode::kRead)->tasks().audit_counters(7, 0, 1).at(0).drifted());
  // The report indexes of version 4 are gone: their names are free.
  v5->execute(
      "CREATE INDEX outbound_call_records_report ON outbound_call_records (task_id); "
      "CREATE INDEX outbound_call_records_by_call_time ON outbound_call_records (task_id)");

  // And the migrated database goes on from there.
  {
    const std::pair<TaskId, std::string> key{7, "200"};
    const auto found = migrated->begin(store_api::TxMode::kRead)->leads().find_leads({&key, 1});
    ASSERT_EQ(found.size(), 1U);
    auto tx = migrated->begin(store_api::TxMode::kWrite);
    const std::vector<store_api::RecordWrite> more{call(
        "m-7", found[0], "SucceededTransferByIntent", true, kT0 + 7 * kHour, kT0 + 7 * kHour, 30)};
    tx->records().upsert_records(more, at(stored_at));
    tx->commit();
  }
  const auto latest =
      latest_map(migrated->begin(store_api::TxMode::kRead)->reports().task_report(7));
  EXPECT_EQ(latest.at("SucceededTransferByIntent"), ap(3, 1)) << "phone 200: m-7 after m-3, m-4";
}

}  // namespace
}  // namespace dialtrack::store_test
