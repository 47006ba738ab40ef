// Bodies that are not a JSON object are a 400 envelope on every JSON endpoint, and the server
// keeps serving afterwards.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class MalformedJsonTest : public ServerTest {};

TEST_F(MalformedJsonTest, BrokenOrNonObjectBodiesAre400) {
  const auto task_id = create_task(http(), make_phones(1));
  const std::vector<std::string> targets{"/tasks", "/tasks/" + std::to_string(task_id) + "/leads",
                                         "/outbound_call_records", "/check_task_completion",
                                         "/check_task_completion/batch"};
  const std::vector<std::string> bodies{"{\"name\":",
                                        "{name: 1}",
                                        "not json at all",
                                        "[]",
                                        "\"a string\"",
                                        "42",
                                        "null",
                                        "{\"a\":1}}",
                                        "{\"a\":1} trailing",
                                        "{\"a\":\"\\uZZZZ\"}",
                                        "\xff\xfe{}",
                                        "{\"a\":01}"};
  for (const auto& target : targets) {
    for (const auto& body : bodies) {
      const auto response = http().post_text(target, body);
      EXPECT_TRUE(is_error(response, 400)) << target << " with " << body;
    }
  }
  EXPECT_EQ(http().get("/healthz").status, 200u);
}

TEST_F(MalformedJsonTest, EmptyBodyIs400WhereABodyIsRequired) {
  for (const char* target : {"/tasks", "/outbound_call_records", "/check_task_completion",
                             "/check_task_completion/batch"}) {
    EXPECT_TRUE(is_error(http().request("POST", target), 400)) << target;
  }
}

TEST_F(MalformedJsonTest, StartAcceptsAnEmptyBodyButNotABrokenOne) {
  const auto task_id = create_task(http(), make_phones(1));
  const std::string target = "/tasks/" + std::to_string(task_id) + "/start";
  EXPECT_TRUE(is_error(http().post_text(target, "{\"job_group_id\":"), 400));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 1);
  EXPECT_EQ(http().request("POST", target).status, 200u);
}

TEST_F(MalformedJsonTest, InvalidUtf8InAStringIs400) {
  const auto response = http().post_text("/tasks", "{\"name\":\"bad \xc3\x28 byte\"}");
  EXPECT_TRUE(is_error(response, 400));
}

TEST_F(MalformedJsonTest, DuplicateKeysDoNotCrashTheServer) {
  // Either answer is defensible; what matters is an envelope and a live server.
  const auto response = http().post_text("/tasks", R"({"name":"a","name":"b"})");
  EXPECT_TRUE(is_envelope(response));
  EXPECT_TRUE(response.status == 201 || response.status == 400) << response.describe();
  EXPECT_EQ(http().get("/healthz").status, 200u);
}

}  // namespace
}  // namespace dialtrack::test
