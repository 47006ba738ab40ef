// Ids in paths are positive int64; anything else is a 400 on every route that takes one.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class PathIdTest : public ServerTest {};

const std::vector<std::string> kBadIds{
    "abc", "0", "-1", "99999999999999999999", "9223372036854775808", "1.5", "1e3", "0x10", "%20"};

TEST_F(PathIdTest, BadIdsAre400OnTaskRoutes) {
  for (const auto& id : kBadIds) {
    EXPECT_TRUE(is_error(http().get("/tasks/" + id), 400)) << id;
    EXPECT_TRUE(is_error(http().del("/tasks/" + id), 400)) << id;
    EXPECT_TRUE(is_error(http().get("/tasks/" + id + "/history"), 400)) << id;
    EXPECT_TRUE(is_error(http().request("POST", "/tasks/" + id + "/start"), 400)) << id;
    EXPECT_TRUE(is_error(http().post("/tasks/" + id + "/leads",
                                     boost::json::object{{"leads", leads_of({"13900000000"})}}),
                         400))
        << id;
  }
}

TEST_F(PathIdTest, BadIdsAre400OnCheckAndFollowupRoutes) {
  for (const auto& id : kBadIds) {
    EXPECT_TRUE(is_error(http().get("/check_task_completion/" + id), 400)) << id;
    EXPECT_TRUE(is_error(http().get("/task_followup_records/" + id), 400)) << id;
  }
}

TEST_F(PathIdTest, LeadingZerosStillNameTheTaskOrAre400) {
  // "007" is not a canonical integer; the spec allows reading it as 7 or refusing it, but
  // never as another task.
  const auto task_id = create_task(http(), make_phones(1));
  const auto response = http().get("/tasks/00" + std::to_string(task_id));
  if (response.status == 200) {
    EXPECT_EQ(int_field(response.data_object(), "task_id"), task_id);
  } else {
    EXPECT_TRUE(is_error(response, 400));
  }
}

}  // namespace
}  // namespace dialtrack::test
