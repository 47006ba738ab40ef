// DELETE /tasks/{task_id}: any state -> 4 once, idempotent, and a deleted task never moves.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class DeleteTaskTest : public ServerTest {};

TEST_F(DeleteTaskTest, DeletingIsIdempotentWithOneHistoryRow) {
  const auto task_id = create_task(http(), make_phones(2));
  const auto first = delete_task(http(), task_id);
  ASSERT_EQ(first.status, 200u) << first.describe();
  EXPECT_TRUE(is_envelope(first));
  EXPECT_EQ(int_field(first.data_object(), "task_type"), 4);
  const auto second = delete_task(http(), task_id);
  ASSERT_EQ(second.status, 200u) << second.describe();
  EXPECT_EQ(int_field(second.data_object(), "task_type"), 4);

  const auto rows = history(http(), task_id);
  EXPECT_EQ(count_transitions(rows, 1, 4), 1u);
  EXPECT_EQ(rows.back().reason, "api_delete");
  EXPECT_EQ(rows.size(), 2u);
}

TEST_F(DeleteTaskTest, EveryStateCanBeDeleted) {
  const auto phones = make_phones(1);
  const auto calling = create_task(http(), phones);
  ASSERT_EQ(start_task(http(), calling).status, 200u);
  const auto completed = create_task(http(), phones);
  push(http(), {call_record("del-c1", completed, phones[0], "Connected")});
  ASSERT_EQ(int_field(get_task(http(), completed), "task_type"), 3);

  for (const auto& [task_id, from] : {std::pair{calling, 2}, std::pair{completed, 3}}) {
    const auto response = delete_task(http(), task_id);
    ASSERT_EQ(response.status, 200u) << response.describe();
    EXPECT_EQ(int_field(response.data_object(), "task_type"), 4);
    EXPECT_EQ(count_transitions(history(http(), task_id), from, 4), 1u);
  }
}

TEST_F(DeleteTaskTest, DeletedTaskReportsDeletedOnCheck) {
  const auto task_id = create_task(http(), make_phones(1));
  ASSERT_EQ(delete_task(http(), task_id).status, 200u);
  const auto response = check_task(http(), task_id);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(response.message(), "任务已删除");
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 4);
  EXPECT_FALSE(bool_field(response.data_object(), "is_completed"));
  // Still listed and readable.
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 4);
}

TEST_F(DeleteTaskTest, UnknownTaskIs404) {
  const auto response = delete_task(http(), 31337);
  ASSERT_TRUE(is_error(response, 404));
  EXPECT_EQ(response.message(), "任务不存在");
}

}  // namespace
}  // namespace dialtrack::test
