// GET /tasks/{task_id}: the stored task, its counters, and 404 for an unknown id.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class GetTaskTest : public ServerTest {};

TEST_F(GetTaskTest, ShowsCountersAsRecordsArrive) {
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones, "counters", "jg-get");
  auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_id"), task_id);
  EXPECT_EQ(string_field(task, "name"), "counters");
  EXPECT_EQ(string_field(task, "job_group_id"), "jg-get");
  EXPECT_EQ(int_field(task, "total_calls"), 3);
  EXPECT_EQ(int_field(task, "connected_calls"), 0);

  push(http(), {call_record("get-1", task_id, phones[0], "Connected"),
                call_record("get-2", task_id, phones[1], "NoAnswer")});
  task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_type"), 2);
  EXPECT_EQ(int_field(task, "connected_calls"), 1);
  EXPECT_TRUE(task.at("completed_at").is_null());
}

TEST_F(GetTaskTest, UnknownTaskIs404WithChineseMessage) {
  const auto response = http().get("/tasks/987654");
  ASSERT_TRUE(is_error(response, 404));
  EXPECT_EQ(response.message(), "任务不存在");
  EXPECT_TRUE(response.data().is_null());
}

TEST_F(GetTaskTest, LargestInt64IdIsValidButUnknown) {
  // 2^63-1 is a positive int64: not a 400, simply no such task.
  const auto response = http().get("/tasks/9223372036854775807");
  EXPECT_TRUE(is_error(response, 404));
}

}  // namespace
}  // namespace dialtrack::test
