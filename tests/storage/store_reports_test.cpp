// The report aggregates of the store: grouped by status, by each phone's latest attempt, by
// hour and by local day; and the keyset pages an export reads.
#include <gtest/gtest.h>

#include <map>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

// 2026-11-28T00:00:00Z.
constexpr std::int64_t kMidnight = 1'795'824'000'000;

store_api::RecordWrite attempt(std::string call_id, const store_api::LeadMatch& lead,
                               std::string status, bool connected,
                               std::optional<std::int64_t> started,
                               std::optional<std::int64_t> event,
                               std::optional<std::int64_t> duration) {
  auto write = record_write(std::move(call_id), lead, std::move(status), connected, true);
  if (started) {
    write.fields.started_at = at(*started);
  }
  if (event) {
    write.fields.event_time = at(*event);
  }
  write.fields.duration = duration;
  return write;
}

TEST_P(StoreContract, TaskReportGroupsByStatusLatestAttemptAndHour) {
  const TaskId id = add_task({"100", "200", "300"});
  const TaskId other = add_task({"100"});
  const auto a = lead(id, "100");
  const auto b = lead(id, "200");
  const std::int64_t t0 = kMidnight + 9 * kHour;
  const std::vector<store_api::RecordWrite> writes{
      // Phone 100: NoAnswer, then connected 60 s; the latest by event_time is the connected one
      // although it was stored first.
      attempt("a-2", a, "SucceededFinish", true, t0 + kHour, t0 + kHour + 70'000, 60),
      attempt("a-1", a, "NoAnswer", false, t0, t0 + 5'000, 0),
      // Phone 200: three attempts; the last has no time of its own, so when it was stored
      // (after the others' event times) makes it the latest.
      attempt("b-1", b, "Busy", false, t0 + 10'000, t0 + 12'000, std::nullopt),
      attempt("b-2", b, "SucceededClientHangUp", true, t0 + kHour + 1, t0 + 2 * kHour, 30),
      attempt("b-3", b, "NoAnswer", false, std::nullopt, std::nullopt, std::nullopt),
      attempt("x-1", lead(other, "100"), "NoAnswer", false, t0, t0, std::nullopt)};
  auto tx = begin_write();
  tx->records().upsert_records(writes, at(t0 + 3 * kHour));
  tx->commit();

  const auto rows = begin_read()->reports().task_report(id);
  std::map<std::string, store_api::StatusCalls> by_status;
  for (const auto& s : rows.by_status) {
    by_status[s.call_status] = s;
  }
  ASSERT_EQ(by_status.size(), 4U);
  EXPECT_EQ(by_status["NoAnswer"].calls, 2);
  EXPECT_EQ(by_status["NoAnswer"].connected_calls, 0);
  EXPECT_EQ(by_status["NoAnswer"].talk_seconds, 0);
  EXPECT_EQ(by_status["Busy"].calls, 1);
  EXPECT_EQ(by_status["SucceededFinish"].connected_calls, 1);
  EXPECT_EQ(by_status["SucceededFinish"].talk_seconds, 60);
  EXPECT_EQ(by_status["SucceededFinish"].talk_calls, 1);
  EXPECT_EQ(by_status["SucceededClientHangUp"].talk_seconds, 30);
  // b-3 has neither started_at nor event_time: its call time is when it was stored.
  EXPECT_EQ(by_status["NoAnswer"].first_call_at, at(t0));
  EXPECT_EQ(by_status["NoAnswer"].last_call_at, at(t0 + 3 * kHour));

  std::map<std::string, std::pair<std::int64_t, std::int64_t>>
      latest;  // status -> attempts, phones
  for (const auto& l : rows.by_latest) {
    latest[l.call_status] = {l.attempts, l.phones};
  }
  EXPECT_EQ(latest.size(), 2U);
  EXPECT_EQ(latest["SucceededFinish"], std::make_pair(std::int64_t{2}, std::int64_t{1}));
  EXPECT_EQ(latest["NoAnswer"], std::make_pair(std::int64_t{3}, std::int64_t{1}));

  ASSERT_EQ(rows.by_hour.size(), 3U);
  EXPECT_EQ(rows.by_hour[0].hour, at(t0));
  EXPECT_EQ(rows.by_hour[0].calls, 2);
  EXPECT_EQ(rows.by_hour[0].connected_calls, 0);
  EXPECT_EQ(rows.by_hour[1].hour, at(t0 + kHour));
  EXPECT_EQ(rows.by_hour[1].calls, 2);
  EXPECT_EQ(rows.by_hour[1].connected_calls, 2);
  EXPECT_EQ(rows.by_hour[2].hour, at(t0 + 3 * kHour));
  EXPECT_EQ(rows.by_hour[2].calls, 1);
}

TEST_P(StoreContract, TaskReportOfATaskWithoutRecordsIsEmpty) {
  const TaskId id = add_task({"100"});
  const auto rows = begin_read()->reports().task_report(id);
  EXPECT_TRUE(rows.by_status.empty());
  EXPECT_TRUE(rows.by_latest.empty());
  EXPECT_TRUE(rows.by_hour.empty());
}

TEST_P(StoreContract, DailyCountsUseTheLocalDayOfTheOffset) {
  const TaskId id = add_task({"100"});
  const auto a = lead(id, "100");
  // 15:30Z and 16:30Z on the 28th: the 28th and the 29th at +08:00, both the 28th in UTC.
  const std::vector<store_api::RecordWrite> writes{
      attempt("d-1", a, "NoAnswer", false, kMidnight + 15 * kHour + 1'800'000, std::nullopt,
              std::nullopt),
      attempt("d-2", a, "SucceededFinish", true, kMidnight + 16 * kHour + 1'800'000, std::nullopt,
              10),
      attempt("d-3", a, "Busy", false, kMidnight - kDay, std::nullopt, std::nullopt)};
  auto tx = begin_write();
  tx->records().upsert_records(writes, at(kMidnight));
  tx->commit();

  const std::int64_t day28 = kMidnight / kDay;
  const auto east = std::chrono::minutes{8 * 60};
  const Timestamp from = at(day28 * kDay - 8 * kHour);
  const Timestamp to = at((day28 + 2) * kDay - 8 * kHour);
  const auto local = begin_read()->reports().daily_counts(from, to, east);
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> calls;
  for (const auto& d : local.calls) {
    calls[d.day] = {d.count, d.connected};
  }
  EXPECT_EQ(calls.size(), 2U);
  EXPECT_EQ(calls[day28], std::make_pair(std::int64_t{1}, std::int64_t{0}));
  EXPECT_EQ(calls[day28 + 1], std::make_pair(std::int64_t{1}, std::int64_t{1}));

  const auto utc = begin_read()->reports().daily_counts(at(day28 * kDay), at((day28 + 1) * kDay),
                                                        std::chrono::minutes{0});
  ASSERT_EQ(utc.calls.size(), 1U);
  EXPECT_EQ(utc.calls[0].day, day28);
  EXPECT_EQ(utc.calls[0].count, 2);
  EXPECT_EQ(utc.calls[0].connected, 1);
}

TEST_P(StoreContract, DailyCountsCountTasksCreatedAndCompleted) {
  // Two tasks created on the 28th and one on the 29th; the first completes on the 29th.
  auto tx = begin_write();
  const TaskId first = tx->tasks().insert_task("a", std::nullopt, at(kMidnight + kHour));
  tx->tasks().insert_task("b", std::nullopt, at(kMidnight + 2 * kHour));
  tx->tasks().insert_task("c", std::nullopt, at(kMidnight + kDay));
  tx->leads().insert_leads(first, leads({"100"}), at(kMidnight + kHour));
  tx->commit();
  move(first, TaskType::kCreated, TaskType::kCalling);
  connect(first, {"100"});
  {
    auto done = begin_write();
    ASSERT_TRUE(
        done->tasks().complete_if_counters_full(first, "test", at(kMidnight + kDay + kHour)));
    done->commit();
  }
  const std::int64_t day28 = kMidnight / kDay;
  const auto rows = begin_read()->reports().daily_counts(at(kMidnight), at(kMidnight + 3 * kDay),
                                                         std::chrono::minutes{0});
  std::map<std::int64_t, std::int64_t> created;
  for (const auto& d : rows.tasks_created) {
    created[d.day] = d.count;
  }
  EXPECT_EQ(created, (std::map<std::int64_t, std::int64_t>{{day28, 2}, {day28 + 1, 1}}));
  ASSERT_EQ(rows.tasks_completed.size(), 1U);
  EXPECT_EQ(rows.tasks_completed[0].day, day28 + 1);
  EXPECT_EQ(rows.tasks_completed[0].count, 1);
}

TEST_P(StoreContract, TaskRecordsAfterPagesOldestFirstByRecordId) {
  const TaskId id = add_task({"100"});
  const TaskId other = add_task({"100"});
  std::vector<store_api::RecordWrite> writes;
  for (int i = 0; i < 5; ++i) {
    writes.push_back(
        record_write("k-" + std::to_string(i), lead(id, "100"), "NoAnswer", false, true));
  }
  writes.push_back(record_write("o-1", lead(other, "100"), "NoAnswer", false, true));
  auto tx = begin_write();
  tx->records().upsert_records(writes, at(5000));
  tx->commit();

  std::vector<std::string> seen;
  std::int64_t after = 0;
  for (;;) {
    const auto page = begin_read()->records().task_records_after(id, after, 2);
    if (page.empty()) {
      break;
    }
    EXPECT_LE(page.size(), 2U);
    for (const auto& [record_id, record] : page) {
      EXPECT_GT(record_id, after);
      after = record_id;
      seen.push_back(record.record.call_id);
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"k-0", "k-1", "k-2", "k-3", "k-4"}));
}

}  // namespace
}  // namespace dialtrack::store_test
