// What ingestion does to a task's state: 1 -> 2 on the first record, completion by the
// connected set (Succeeded* included), an empty task that never completes, and a deleted task
// that stores records but never moves.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestLifecycleTest : public ServerTest {};

TEST_F(IngestLifecycleTest, FirstRecordStartsACreatedTask) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  ASSERT_EQ(int_field(get_task(http(), task_id), "task_type"), 1);
  push(http(), {call_record("first-1", task_id, phones[0], "NoAnswer")});
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 2);
  const auto rows = history(http(), task_id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].from, 1);
  EXPECT_EQ(rows[1].to, 2);
  EXPECT_EQ(rows[1].reason, "first_call_record");

  // Later records do not start it again.
  push(http(), {call_record("first-2", task_id, phones[1], "NoAnswer")});
  EXPECT_EQ(history(http(), task_id).size(), 2u);
}

TEST_F(IngestLifecycleTest, FirstRecordConnectingEveryLeadGoesThroughCallingToComplete) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("direct-1", task_id, phones[0], "Connected")});
  const auto rows = history(http(), task_id);
  EXPECT_EQ(count_transitions(rows, 1, 2), 1u);
  EXPECT_EQ(count_transitions(rows, 2, 3), 1u);
  EXPECT_EQ(count_transitions(rows, 1, 3), 0u);
}

TEST_F(IngestLifecycleTest, SucceededPrefixStatusesCountAsConnected) {
  const std::vector<std::string> statuses{"SucceededClientHangUp",
                                          "SucceededChatbotHangUpAfterSilence",
                                          "SucceededTransferAfterNoAnswer",
                                          "Succeeded",
                                          "SucceededFinish",
                                          "SucceededTransferByIntent",
                                          "Connected"};
  const auto phones = make_phones(statuses.size());
  const auto task_id = create_task(http(), phones);
  boost::json::array records;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    records.push_back(call_record("pfx-" + std::to_string(i), task_id, phones[i], statuses[i]));
  }
  const auto counts = push(http(), records);
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{task_id});
  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "connected_calls"), static_cast<std::int64_t>(statuses.size()));
  EXPECT_EQ(int_field(task, "task_type"), 3);
}

TEST_F(IngestLifecycleTest, OtherStatusesDoNotCountAsConnected) {
  // Names close to the connected ones, but not in the set and not starting with "Succeeded".
  const std::vector<std::string> statuses{
      "Failed",    "NotConnected", "Busy",      "NoAnswer",       "PoweredOff",  "NotExist",
      "Executing", "connected",    "succeeded", "ConnectedLater", "NotSucceeded"};
  const auto phones = make_phones(statuses.size());
  const auto task_id = create_task(http(), phones);
  boost::json::array records;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    records.push_back(call_record("np-" + std::to_string(i), task_id, phones[i], statuses[i]));
  }
  const auto counts = push(http(), records);
  EXPECT_EQ(counts.accepted, static_cast<std::int64_t>(statuses.size()));
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 0);
}

TEST_F(IngestLifecycleTest, TaskWithoutLeadsNeverCompletes) {
  const auto response = http().post("/tasks", boost::json::object{{"name", "no leads"}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  const auto task_id = int_field(response.data_object(), "task_id");
  ASSERT_EQ(start_task(http(), task_id).status, 200u);

  // 0 of 0 connected is not "all connected".
  const auto check = check_task(http(), task_id);
  ASSERT_EQ(check.status, 200u) << check.describe();
  EXPECT_FALSE(bool_field(check.data_object(), "is_completed"));
  EXPECT_EQ(int_field(check.data_object(), "task_type"), 2);
  EXPECT_EQ(check.message(), "任务未完成，已接通 0/0");
  // A record for it has no lead to land on.
  EXPECT_EQ(push(http(), {call_record("empty-1", task_id, "13900000000", "Connected")}).rejected,
            1u);
  EXPECT_EQ(int_field(followup(http(), task_id).data_object(), "task_type"), 2);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 2);
}

TEST_F(IngestLifecycleTest, DeletedTaskStoresRecordsButStaysDeleted) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("gone-1", task_id, phones[0], "Connected")});
  ASSERT_EQ(delete_task(http(), task_id).status, 200u);

  const auto counts = push(http(), {call_record("gone-2", task_id, phones[1], "Connected")});
  EXPECT_EQ(counts.accepted, 1);
  EXPECT_EQ(counts.rejected, 0u);
  EXPECT_TRUE(counts.completed_tasks.empty());

  const auto followed = followup(http(), task_id);
  ASSERT_EQ(followed.status, 200u) << followed.describe();
  EXPECT_EQ(int_field(followed.data_object(), "total_records"), 2);
  EXPECT_EQ(int_field(followed.data_object(), "task_type"), 4);
  EXPECT_FALSE(bool_field(followed.data_object(), "is_completed"));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 4);
  EXPECT_EQ(check_task(http(), task_id).message(), "任务已删除");
  const auto rows = history(http(), task_id);
  EXPECT_EQ(rows.back().to, 4);
  EXPECT_EQ(count_transitions(rows, 2, 3), 0u);
}

TEST_F(IngestLifecycleTest, DeletedCreatedTaskIsNotStartedByARecord) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  ASSERT_EQ(delete_task(http(), task_id).status, 200u);
  EXPECT_EQ(push(http(), {call_record("gone-3", task_id, phones[0], "NoAnswer")}).accepted, 1);
  EXPECT_EQ(count_transitions(history(http(), task_id), 4, 2), 0u);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 4);
}

}  // namespace
}  // namespace dialtrack::test
