// POST /outbound_call_records: every valid record is counted in exactly one of accepted,
// updated, unchanged and stale; completed_tasks lists what this request completed.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestCountsTest : public ServerTest {};

TEST_F(IngestCountsTest, OneBatchWithEveryOutcome) {
  const auto phones = make_phones(4);
  const auto task_id = create_task(http(), phones);
  ASSERT_EQ(push(http(), {call_record_at("cnt-1", task_id, phones[0], "NoAnswer", 10),
                          call_record_at("cnt-2", task_id, phones[1], "Busy", 10),
                          call_record_at("cnt-3", task_id, phones[2], "Executing", 10)})
                .accepted,
            3);

  const auto response =
      push_records(http(), {call_record_at("cnt-4", task_id, phones[3], "NoAnswer", 20),  // new
                            call_record_at("cnt-1", task_id, phones[0], "Busy", 20),      // changed
                            call_record_at("cnt-2", task_id, phones[1], "Busy", 10),      // repeat
                            call_record_at("cnt-3", task_id, phones[2], "Failed", 5),     // older
                            call_record_at("cnt-5", task_id, "10000000000", "Busy", 20)});
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "accepted"), 1);
  EXPECT_EQ(int_field(data, "updated"), 1);
  EXPECT_EQ(int_field(data, "unchanged"), 1);
  EXPECT_EQ(int_field(data, "stale"), 1);
  const auto& rejected = data.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(int_field(rejected[0].as_object(), "index"), 4);
  EXPECT_EQ(string_field(rejected[0].as_object(), "call_id"), "cnt-5");
  EXPECT_FALSE(string_field(rejected[0].as_object(), "error").empty());
  EXPECT_TRUE(data.at("completed_tasks").as_array().empty());
}

TEST_F(IngestCountsTest, CompletedTasksListsOnlyTasksThisRequestCompleted) {
  const auto phones = make_phones(1);
  const auto first = create_task(http(), phones);
  const auto second = create_task(http(), phones);
  const auto third = create_task(http(), make_phones(2));

  auto counts = push(http(), {call_record("ct-1", first, phones[0], "Connected"),
                              call_record("ct-2", second, phones[0], "Connected"),
                              call_record("ct-3", third, "13900000000", "Connected")});
  std::sort(counts.completed_tasks.begin(), counts.completed_tasks.end());
  EXPECT_EQ(counts.completed_tasks, (std::vector<std::int64_t>{first, second}));

  // Repeating the records changes nothing and completes nothing again.
  counts = push(http(), {call_record("ct-1", first, phones[0], "Connected"),
                         call_record("ct-2", second, phones[0], "Connected")});
  EXPECT_EQ(counts.unchanged, 2);
  EXPECT_TRUE(counts.completed_tasks.empty());
}

TEST_F(IngestCountsTest, EmptyRecordListIsAnsweredWithZeros) {
  const auto counts = push(http(), boost::json::array{});
  EXPECT_EQ(counts.accepted + counts.updated + counts.unchanged + counts.stale, 0);
  EXPECT_EQ(counts.rejected, 0u);
  EXPECT_TRUE(counts.completed_tasks.empty());
}

TEST_F(IngestCountsTest, RepeatsInsideOneBatchAreCountedOnceAsAccepted) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  const auto counts = push(http(), {call_record("same-1", task_id, phones[0], "NoAnswer"),
                                    call_record("same-1", task_id, phones[0], "NoAnswer"),
                                    call_record("same-2", task_id, phones[1], "Busy")});
  // The second copy of same-1 meets the first one already stored: an exact repeat.
  EXPECT_EQ(counts.accepted, 2);
  EXPECT_EQ(counts.unchanged, 1);
  EXPECT_EQ(int_field(followup(http(), task_id).data_object(), "total_records"), 2);
}

}  // namespace
}  // namespace dialtrack::test
