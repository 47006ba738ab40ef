// Retries: a phone may be called several times (new call ids); it counts once, and it is
// connected as soon as one of its calls is.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestRetryTest : public ServerTest {};

TEST_F(IngestRetryTest, NoAnswerThenConnectedOnANewCallIdCountsThePhoneOnce) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record_at("retry-1a", task_id, phones[0], "NoAnswer", 0)});
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 0);

  const auto counts =
      push(http(), {call_record_at("retry-1b", task_id, phones[0], "Connected", 60)});
  EXPECT_EQ(counts.accepted, 1);
  auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "connected_calls"), 1);
  EXPECT_EQ(int_field(task, "total_calls"), 2);
  EXPECT_EQ(int_field(task, "task_type"), 2);

  // A third attempt that connects again changes nothing in the counters.
  push(http(), {call_record_at("retry-1c", task_id, phones[0], "SucceededFinish", 120)});
  task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "connected_calls"), 1);
  EXPECT_EQ(check_task(http(), task_id).message(), "任务未完成，已接通 1/2");
  EXPECT_EQ(int_field(followup(http(), task_id).data_object(), "total_records"), 3);
}

TEST_F(IngestRetryTest, AFailedRetryAfterAConnectedCallKeepsThePhoneConnected) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record_at("keep-1a", task_id, phones[0], "Connected", 0)});
  // A different call to the same phone that fails does not undo the connected one.
  push(http(), {call_record_at("keep-1b", task_id, phones[0], "NoAnswer", 60)});
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 1);
}

TEST_F(IngestRetryTest, ManyFailedAttemptsThenConnectedCompletes) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  boost::json::array failures;
  const char* statuses[] = {"NoAnswer", "Busy", "PoweredOff", "NotConnected", "Failed"};
  for (int i = 0; i < 5; ++i) {
    failures.push_back(
        call_record_at("many-" + std::to_string(i), task_id, phones[0], statuses[i], i));
  }
  auto counts = push(http(), failures);
  EXPECT_EQ(counts.accepted, 5);
  EXPECT_TRUE(counts.completed_tasks.empty());
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 2);

  counts = push(http(), {call_record_at("many-ok", task_id, phones[0], "Connected", 10)});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{task_id});
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

}  // namespace
}  // namespace dialtrack::test
