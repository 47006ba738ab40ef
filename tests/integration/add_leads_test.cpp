// POST /tasks/{task_id}/leads: added/duplicates counts, reopening a completed task, and the
// refusal on a deleted one.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class AddLeadsTest : public ServerTest {
 protected:
  Response add_leads(std::int64_t task_id, const std::vector<std::string>& phones) {
    return http().post("/tasks/" + std::to_string(task_id) + "/leads",
                       boost::json::object{{"leads", leads_of(phones)}});
  }
};

TEST_F(AddLeadsTest, CountsDuplicatesInTheTaskAndInTheRequest) {
  const auto task_id = create_task(http(), {"13900000001", "13900000002"});
  // One already in the task, one repeated in the request (spelled differently), two new.
  const auto response =
      add_leads(task_id, {"13900000002", "13900000003", "139-0000-0003", "13900000004"});
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "added"), 2);
  EXPECT_EQ(int_field(data, "duplicates"), 2);
  EXPECT_EQ(int_field(data, "total_calls"), 4);
  EXPECT_EQ(int_field(get_task(http(), task_id), "total_calls"), 4);
}

TEST_F(AddLeadsTest, AddingToACompletedTaskReopensItAndItCanCompleteAgain) {
  const auto task_id = create_task(http(), {"13900000001"});
  auto counts = push(http(), {call_record("reopen-1", task_id, "13900000001", "Connected")});
  ASSERT_EQ(counts.completed_tasks, std::vector<std::int64_t>{task_id});

  const auto response = add_leads(task_id, {"13900000002"});
  ASSERT_EQ(response.status, 200u) << response.describe();
  auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_type"), 2);
  EXPECT_EQ(int_field(task, "total_calls"), 2);
  EXPECT_EQ(int_field(task, "connected_calls"), 1);
  auto rows = history(http(), task_id);
  ASSERT_EQ(count_transitions(rows, 3, 2), 1u);
  EXPECT_EQ(rows.back().reason, "leads_added");

  // The new phone still has to be connected; then the task completes a second time.
  auto check = check_task(http(), task_id);
  EXPECT_EQ(check.message(), "任务未完成，已接通 1/2");
  counts = push(http(), {call_record("reopen-2", task_id, "13900000002", "SucceededFinish")});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{task_id});
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
  EXPECT_EQ(count_transitions(history(http(), task_id), 2, 3), 2u);
}

TEST_F(AddLeadsTest, OnlyDuplicatesLeaveACompletedTaskComplete) {
  const auto task_id = create_task(http(), {"13900000001"});
  push(http(), {call_record("dup-only-1", task_id, "13900000001", "Connected")});
  const auto response = add_leads(task_id, {"13900000001"});
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "added"), 0);
  EXPECT_EQ(int_field(response.data_object(), "duplicates"), 1);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
  EXPECT_EQ(count_transitions(history(http(), task_id), 3, 2), 0u);
}

TEST_F(AddLeadsTest, DeletedTaskIs409AndUnchanged) {
  const auto task_id = create_task(http(), {"13900000001"});
  ASSERT_EQ(delete_task(http(), task_id).status, 200u);
  EXPECT_TRUE(is_error(add_leads(task_id, {"13900000002"}), 409));
  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_type"), 4);
  EXPECT_EQ(int_field(task, "total_calls"), 1);
}

TEST_F(AddLeadsTest, UnknownTaskIs404) {
  const auto response = add_leads(424242, {"13900000001"});
  ASSERT_TRUE(is_error(response, 404));
  EXPECT_EQ(response.message(), "任务不存在");
}

TEST_F(AddLeadsTest, BadBodiesNameTheField) {
  const auto task_id = create_task(http(), {"13900000001"});
  const std::string target = "/tasks/" + std::to_string(task_id) + "/leads";
  EXPECT_TRUE(is_field_error(http().post(target, boost::json::object{}), "leads"));
  EXPECT_TRUE(is_field_error(
      http().post(target, boost::json::object{{"leads", boost::json::array{}}}), "leads"));
  EXPECT_TRUE(is_field_error(
      http().post(target,
                  boost::json::object{{"leads", boost::json::array{{{"phone", "13900000005"}},
                                                                   {{"phone", "not-a-phone"}}}}}),
      "leads[1].phone"));
  // Nothing of a refused request is stored.
  EXPECT_EQ(int_field(get_task(http(), task_id), "total_calls"), 1);
}

}  // namespace
}  // namespace dialtrack::test
