// JSON nested deeper than a small fixed depth (32) is a 400, however deep, without harming the
// server; ordinary nesting inside `attrs` or a record's extra fields is fine.
#include <gtest/gtest.h>

#include <string>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

std::string nested_attrs(int depth) {
  std::string inner;
  for (int i = 0; i < depth; ++i) {
    inner += "{\"a\":";
  }
  inner += "1";
  for (int i = 0; i < depth; ++i) {
    inner += "}";
  }
  return R"({"name":"deep","leads":[{"phone":"13900000000","attrs":)" + inner + "}]}";
}

class NestingTest : public ServerTest {};

TEST_F(NestingTest, HundredLevelsAre400) {
  EXPECT_TRUE(is_error(http().post_text("/tasks", nested_attrs(100)), 400));
  EXPECT_TRUE(is_error(
      http().post_text("/outbound_call_records", std::string(100, '[') + std::string(100, ']')),
      400));
  EXPECT_EQ(int_field(http().get("/tasks").data_object(), "total"), 0);
}

TEST_F(NestingTest, HundredThousandLevelsAre400AndTheServerSurvives) {
  // A recursive parser without a depth limit would overflow its stack here.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_TRUE(is_error(http().post_text("/check_task_completion/batch", deep), 400));
  HttpConnection fresh(server_.port());
  EXPECT_EQ(fresh.get("/healthz").status, 200u);
}

TEST_F(NestingTest, ModerateNestingIsAccepted) {
  const auto response = http().post_text("/tasks", nested_attrs(10));
  EXPECT_EQ(response.status, 201u) << response.describe();
}

TEST_F(NestingTest, DeepExtraFieldOfARecordIs400ForTheWholeBody) {
  const auto task_id = create_task(http(), {"13900000000"});
  std::string deep;
  for (int i = 0; i < 100; ++i) {
    deep += "[";
  }
  for (int i = 0; i < 100; ++i) {
    deep += "]";
  }
  const std::string body =
      R"({"records":[{"call_id":"deep-1","task_id":)" + std::to_string(task_id) +
      R"(,"phone":"13900000000","call_status":"Connected","x":)" + deep + "}]}";
  EXPECT_TRUE(is_error(http().post_text("/outbound_call_records", body), 400));
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 0);
}

}  // namespace
}  // namespace dialtrack::test
