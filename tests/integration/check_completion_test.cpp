// POST /check_task_completion and GET /check_task_completion/{task_id}: the stored state and
// the check messages of the original description.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class CheckCompletionTest : public ServerTest {
 protected:
  Response post_check(boost::json::object body) {
    return http().post("/check_task_completion", body);
  }
};

TEST_F(CheckCompletionTest, PostAndGetAnswerTheSame) {
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("chk-1", task_id, phones[0], "Connected")});

  const auto by_post = post_check({{"task_id", task_id}, {"task_type", 2}});
  const auto by_get = check_task(http(), task_id);
  for (const auto* response : {&by_post, &by_get}) {
    ASSERT_EQ(response->status, 200u) << response->describe();
    EXPECT_TRUE(is_envelope(*response));
    EXPECT_EQ(response->message(), "任务未完成，已接通 1/3");
    const auto& data = response->data_object();
    EXPECT_EQ(int_field(data, "task_id"), task_id);
    EXPECT_EQ(int_field(data, "task_type"), 2);
    EXPECT_FALSE(bool_field(data, "is_completed"));
    EXPECT_EQ(int_field(data, "total_calls"), 3);
    EXPECT_EQ(int_field(data, "connected_calls"), 1);
  }
}

TEST_F(CheckCompletionTest, CompletedTaskAnswersTheCompletionMessage) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("chk-a", task_id, phones[0], "Connected"),
                call_record("chk-b", task_id, phones[1], "SucceededClientHangUp")});
  const auto response = post_check({{"task_id", task_id}});
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(response.message(), "任务已完成，所有通话都已接通");
  EXPECT_TRUE(bool_field(response.data_object(), "is_completed"));
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 3);
  EXPECT_EQ(int_field(response.data_object(), "connected_calls"), 2);
}

TEST_F(CheckCompletionTest, CallersTaskTypeIsOnlyValidated) {
  const auto task_id = create_task(http(), make_phones(1));
  // The caller claims 3; the answer reports what is stored (1) and changes nothing.
  const auto response = post_check({{"task_id", task_id}, {"task_type", 3}});
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 1);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 1);
  EXPECT_EQ(history(http(), task_id).size(), 1u);
}

TEST_F(CheckCompletionTest, BadBodiesNameTheField) {
  const auto task_id = create_task(http(), make_phones(1));
  EXPECT_TRUE(is_field_error(post_check({}), "task_id"));
  EXPECT_TRUE(is_field_error(post_check({{"task_id", "1"}}), "task_id"));
  EXPECT_TRUE(is_field_error(post_check({{"task_id", 0}}), "task_id"));
  EXPECT_TRUE(is_field_error(post_check({{"task_id", -5}}), "task_id"));
  EXPECT_TRUE(is_field_error(post_check({{"task_id", 1.5}}), "task_id"));
  EXPECT_TRUE(is_field_error(post_check({{"task_id", task_id}, {"task_type", 5}}), "task_type"));
  EXPECT_TRUE(is_field_error(post_check({{"task_id", task_id}, {"task_type", 0}}), "task_type"));
  EXPECT_TRUE(is_field_error(post_check({{"task_id", task_id}, {"task_type", "2"}}), "task_type"));
}

TEST_F(CheckCompletionTest, UnknownTaskIs404OnBothForms) {
  const auto by_post = post_check({{"task_id", 4040404}});
  ASSERT_TRUE(is_error(by_post, 404));
  EXPECT_EQ(by_post.message(), "任务不存在");
  const auto by_get = check_task(http(), 4040404);
  ASSERT_TRUE(is_error(by_get, 404));
  EXPECT_EQ(by_get.message(), "任务不存在");
}

}  // namespace
}  // namespace dialtrack::test
