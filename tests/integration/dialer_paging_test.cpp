// Odd answers from the dialer: attempts of one millisecond in a different order on every
// request (paging must neither skip nor repeat them), and a 200 answer without its list (a
// malformed answer, not a clean last page). The real binary against the fake OutboundBot.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <set>

#include "dialer_fixture.hpp"

namespace dialtrack::test {
namespace {

/// `count` attempts of `group`, one per phone, whose start times repeat: `per_millisecond`
/// attempts share each millisecond, so page boundaries fall inside groups of equal times.
std::vector<FakeAttempt> tied_attempts(const std::string& group,
                                       const std::vector<std::string>& phones,
                                       std::size_t per_millisecond, std::int64_t first_time) {
  auto attempts = fake_attempts(group, phones, "SucceededFinish", first_time);
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    attempts[i].actual_time = first_time + static_cast<std::int64_t>(i / per_millisecond);
  }
  return attempts;
}

TEST_F(DialerSyncTest, AttemptsSharingAStartMillisecondAreStoredExactlyOnceWhateverTheirOrder) {
  start_with_dialer();
  // 1,000 attempts, 7 per millisecond, and then 250 in one millisecond (more than a page of
  // 100): every page boundary cuts a group of equal start times.
  const auto phones = make_phones(1250);
  const auto task_id = create_task(http(), phones, "ties", "jg-ties");
  auto attempts =
      tied_attempts("jg-ties", {phones.begin(), phones.begin() + 1000}, 7, 1'772'000'000'000);
  for (auto& a : tied_attempts("jg-ties-burst", {phones.begin() + 1000, phones.end()}, 250,
                               1'772'000'500'000)) {
    a.job_group_id = "jg-ties";
    attempts.push_back(a);
  }
  fake_.put(attempts);
  fake_.shuffle_ties(true);

  const auto answer = sync(task_id);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto& report = answer.data_object();
  std::cout << "[measure] 1250 attempts (7 per ms, then 250 in one ms), ties shuffled per "
               "request: "
            << int_field(report, "pages") << " pages, " << int_field(report, "fetched")
            << " fetched, " << int_field(report, "accepted") << " accepted, " << records_of(task_id)
            << " stored\n";
  // Each attempt handed to ingestion once (nothing read twice within the pass) ...
  EXPECT_EQ(int_field(report, "fetched"), 1250);
  EXPECT_EQ(int_field(report, "accepted"), 1250);
  EXPECT_EQ(int_field(report, "unchanged"), 0);
  // ... and every one of them stored.
  const auto stored = all_records(http(), task_id);
  std::set<std::string> missing;
  for (const auto& a : attempts) {
    if (!stored.contains(a.task_id)) {
      missing.insert(a.task_id);
    }
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " attempts never stored, e.g. "
                               << *missing.begin();
  EXPECT_EQ(stored.size(), 1250u);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);

  // The next sync reads the last millisecond again (idempotent) and finds nothing new.
  const auto again = sync(task_id);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(int_field(again.data_object(), "accepted"), 0);
  EXPECT_EQ(int_field(again.data_object(), "updated"), 0);
  EXPECT_EQ(records_of(task_id), 1250);
}

TEST_F(DialerSyncTest, AnAnswerWithoutItsListIsMalformedAndTheCursorStays) {
  start_with_dialer();
  const auto [phones, task_id] = task_at_the_dialer(150, "no list", "jg-no-list");

  fake_.omit_list_next(1);
  const auto first = sync(task_id);
  ASSERT_NO_FATAL_FAILURE(expect_sync_failed(first, task_id, "malformed"));
  const auto& error = first.data_object().at("error").as_object();
  EXPECT_NE(string_field(error, "message").find("SearchTaskInfoList"), std::string::npos)
      << first.body;
  EXPECT_FALSE(bool_field(first.data_object(), "completed"));
  EXPECT_EQ(records_of(task_id), 0);

  // The same page is asked again by the next sync, which stores everything.
  const auto second = sync(task_id);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(int_field(second.data_object(), "accepted"), 150);
  const auto requests = fake_.requests();
  EXPECT_EQ(requests[1].param("ActualTimeGte"), requests[0].param("ActualTimeGte"));
  EXPECT_EQ(requests[1].param("PageIndex"), requests[0].param("PageIndex"));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(DialerSyncTest, AttemptsStampedBefore2000OrInTheFutureAreRejectedAndKeepNoWindowShut) {
  start_with_dialer();
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones, "skewed dialer", "jg-skew");
  auto attempts = fake_attempts("jg-skew", phones, "SucceededFinish", now_ms() - 60'000);
  attempts[0].actual_time = 86'400'000;            // 1970-01-02: a clock never set
  attempts[2].actual_time = now_ms() + 3'600'000;  // an hour ahead
  fake_.put(attempts);

  const auto first = sync(task_id);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(int_field(first.data_object(), "fetched"), 3);
  EXPECT_EQ(int_field(first.data_object(), "accepted"), 1);
  EXPECT_EQ(int_field(first.data_object(), "rejected"), 2);
  EXPECT_EQ(records_of(task_id), 1);

  // The same phones answered again, with true clocks: the window did not jump an hour ahead
  // with the skewed attempt, so these are read, and the task completes.
  const auto retried_at = now_ms();
  auto retries =
      fake_attempts("jg-skew-retry", {phones[0], phones[2]}, "SucceededFinish", retried_at);
  for (auto& a : retries) {
    a.job_group_id = "jg-skew";
  }
  fake_.put(retries);
  const auto second = sync(task_id);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_LE(std::stoll(fake_.requests().back().param("ActualTimeGte")), retried_at);
  EXPECT_EQ(int_field(second.data_object(), "accepted"), 2);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
  EXPECT_NE(server_->log().find("ahead of this server's clock"), std::string::npos);
}

}  // namespace
}  // namespace dialtrack::test
