// 404 for unknown routes and unknown tasks, 405 for a known route with another method; both
// in the envelope.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class NotFoundTest : public ServerTest {};

TEST_F(NotFoundTest, UnknownRoutesAre404) {
  for (const char* target :
       {"/nope", "/tasks/1/nope", "/tasks/1/leads/2/x", "/check_task_completion/1/2",
        "/healthz/extra", "/TASKS", "/outbound_call_records/1"}) {
    EXPECT_TRUE(is_error(http().get(target), 404)) << target;
  }
  EXPECT_TRUE(is_error(http().post("/nope", boost::json::object{}), 404));
}

TEST_F(NotFoundTest, UnknownTaskIs404OnEveryTaskRoute) {
  const std::string id = "4242424242";
  const std::vector<Response> responses{
      http().get("/tasks/" + id),
      http().del("/tasks/" + id),
      http().get("/tasks/" + id + "/history"),
      http().request("POST", "/tasks/" + id + "/start"),
      http().post("/tasks/" + id + "/leads",
                  boost::json::object{{"leads", leads_of({"13900000000"})}}),
      http().get("/task_followup_records/" + id),
      http().get("/check_task_completion/" + id),
      http().post("/check_task_completion", boost::json::object{{"task_id", 4242424242}}),
  };
  for (const auto& response : responses) {
    ASSERT_TRUE(is_error(response, 404));
    EXPECT_EQ(response.message(), "任务不存在");
  }
}

TEST_F(NotFoundTest, OtherMethodOnAKnownRouteIs405) {
  const auto task_id = create_task(http(), make_phones(1));
  const std::string task = "/tasks/" + std::to_string(task_id);
  EXPECT_TRUE(is_error(http().request("PUT", task, "{}"), 405));
  EXPECT_TRUE(is_error(http().request("PATCH", task, "{}"), 405));
  EXPECT_TRUE(is_error(http().request("GET", task + "/start"), 405));
  EXPECT_TRUE(is_error(http().request("GET", "/outbound_call_records"), 405));
  EXPECT_TRUE(is_error(http().request("DELETE", "/tasks"), 405));
  EXPECT_TRUE(
      is_error(http().request("DELETE", "/check_task_completion/" + std::to_string(task_id)), 405));
  // The task is untouched.
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 1);
}

TEST_F(NotFoundTest, QueryStringDoesNotChangeTheRoute) {
  EXPECT_EQ(http().get("/healthz?verbose=1").status, 200u);
}

}  // namespace
}  // namespace dialtrack::test
