// POST /tasks/{task_id}/start: 1 -> 2, idempotent on 2, refused on 3 and 4.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class StartTaskTest : public ServerTest {
 protected:
  Response start_with(std::int64_t task_id, const boost::json::object& body) {
    return http().post("/tasks/" + std::to_string(task_id) + "/start", body);
  }
};

TEST_F(StartTaskTest, EmptyBodyMovesCreatedToCalling) {
  const auto task_id = create_task(http(), make_phones(2));
  const auto response = start_task(http(), task_id);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  EXPECT_EQ(int_field(response.data_object(), "task_id"), task_id);
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 2);
  const auto rows = history(http(), task_id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].from, 1);
  EXPECT_EQ(rows[1].to, 2);
  EXPECT_EQ(rows[1].reason, "api_start");
}

TEST_F(StartTaskTest, StartingAgainIsIdempotentAndStoresTheJobGroup) {
  const auto task_id = create_task(http(), make_phones(2));
  ASSERT_EQ(start_with(task_id, {{"job_group_id", "jg-first"}}).status, 200u);
  const auto again = start_with(task_id, {{"job_group_id", "jg-second"}});
  ASSERT_EQ(again.status, 200u) << again.describe();
  EXPECT_EQ(int_field(again.data_object(), "task_type"), 2);
  EXPECT_EQ(string_field(again.data_object(), "job_group_id"), "jg-second");
  EXPECT_EQ(string_field(get_task(http(), task_id), "job_group_id"), "jg-second");
  // One transition only: the second start changed no state.
  EXPECT_EQ(count_transitions(history(http(), task_id), 1, 2), 1u);
}

TEST_F(StartTaskTest, CompletedTaskIs409) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("start-c1", task_id, phones[0], "Connected")});
  EXPECT_TRUE(is_error(start_task(http(), task_id), 409));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

TEST_F(StartTaskTest, DeletedTaskIs409) {
  const auto task_id = create_task(http(), make_phones(1));
  ASSERT_EQ(delete_task(http(), task_id).status, 200u);
  EXPECT_TRUE(is_error(start_task(http(), task_id), 409));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 4);
}

TEST_F(StartTaskTest, UnknownTaskIs404) {
  const auto response = start_task(http(), 777777);
  ASSERT_TRUE(is_error(response, 404));
  EXPECT_EQ(response.message(), "任务不存在");
}

TEST_F(StartTaskTest, BadJobGroupIdIs400) {
  const auto task_id = create_task(http(), make_phones(1));
  EXPECT_TRUE(is_field_error(start_with(task_id, {{"job_group_id", 12}}), "job_group_id"));
  EXPECT_TRUE(is_field_error(start_with(task_id, {{"job_group_id", std::string(129, 'g')}}),
                             "job_group_id"));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 1);
}

}  // namespace
}  // namespace dialtrack::test
