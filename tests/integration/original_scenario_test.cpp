// The script of the original feature description (test_task_completion.py): create a task
// with leads, push partly connected records, see it is not complete, connect the rest, see
// it complete on its own.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class OriginalScenarioTest : public ServerTest {};

TEST_F(OriginalScenarioTest, PartialThenFullConnectCompletesTheTaskAutomatically) {
  const auto phones = make_phones(5);
  const auto task_id = create_task(http(), phones, "原始描述的测试任务");

  // Two of five connected; the others failed in the ways the description lists.
  auto counts = push(http(), {call_record("orig-1", task_id, phones[0], "Connected"),
                              call_record("orig-2", task_id, phones[1], "SucceededFinish"),
                              call_record("orig-3", task_id, phones[2], "NoAnswer"),
                              call_record("orig-4", task_id, phones[3], "Busy"),
                              call_record("orig-5", task_id, phones[4], "Failed")});
  EXPECT_EQ(counts.accepted, 5);
  EXPECT_TRUE(counts.completed_tasks.empty());

  auto partial = check_task(http(), task_id);
  ASSERT_EQ(partial.status, 200u) << partial.describe();
  EXPECT_TRUE(is_envelope(partial));
  EXPECT_EQ(partial.message(), "任务未完成，已接通 2/5");
  const auto& not_done = partial.data_object();
  EXPECT_EQ(int_field(not_done, "task_id"), task_id);
  EXPECT_EQ(int_field(not_done, "task_type"), 2);
  EXPECT_FALSE(bool_field(not_done, "is_completed"));
  EXPECT_EQ(int_field(not_done, "total_calls"), 5);
  EXPECT_EQ(int_field(not_done, "connected_calls"), 2);

  // The remaining three answer on a retry (new call ids), with statuses of the connected set.
  counts = push(http(), {call_record("orig-6", task_id, phones[2], "Succeeded"),
                         call_record("orig-7", task_id, phones[3], "SucceededTransferByIntent"),
                         call_record("orig-8", task_id, phones[4], "Connected")});
  EXPECT_EQ(counts.accepted, 3);
  ASSERT_EQ(counts.completed_tasks.size(), 1u);
  EXPECT_EQ(counts.completed_tasks[0], task_id);

  auto done = check_task(http(), task_id);
  ASSERT_EQ(done.status, 200u) << done.describe();
  EXPECT_EQ(done.message(), "任务已完成，所有通话都已接通");
  const auto& completed = done.data_object();
  EXPECT_EQ(int_field(completed, "task_type"), 3);
  EXPECT_TRUE(bool_field(completed, "is_completed"));
  EXPECT_EQ(int_field(completed, "total_calls"), 5);
  EXPECT_EQ(int_field(completed, "connected_calls"), 5);

  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_type"), 3);
  ASSERT_TRUE(task.contains("completed_at"));
  ASSERT_TRUE(task.at("completed_at").is_string());
  EXPECT_TRUE(is_rfc3339_utc(task.at("completed_at").as_string()));

  // The completion happened once, during ingestion; checking again does not repeat it.
  const auto rows = history(http(), task_id);
  EXPECT_EQ(count_transitions(rows, 2, 3), 1u);
  for (const auto& row : rows) {
    if (row.from == 2 && row.to == 3) {
      EXPECT_EQ(row.reason, "records_ingested");
    }
  }
}

TEST_F(OriginalScenarioTest, FollowupQueryShowsTheCompletedTaskAndItsRecords) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("fs-1", task_id, phones[0], "Connected"),
                call_record("fs-2", task_id, phones[1], "SucceededTransferByIntent")});

  const auto response = followup(http(), task_id);
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "task_type"), 3);
  EXPECT_TRUE(bool_field(data, "is_completed"));
  EXPECT_EQ(int_field(data, "total_calls"), 2);
  EXPECT_EQ(int_field(data, "connected_calls"), 2);
  EXPECT_EQ(int_field(data, "total_records"), 2);
  EXPECT_EQ(data.at("records").as_array().size(), 2u);
}

}  // namespace
}  // namespace dialtrack::test
