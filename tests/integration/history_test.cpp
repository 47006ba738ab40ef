// GET /tasks/{task_id}/history: oldest first, the creation row, one row per transition, and
// the reason of each.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class HistoryTest : public ServerTest {};

TEST_F(HistoryTest, NewTaskHasOnlyTheCreationRow) {
  const auto task_id = create_task(http(), make_phones(1));
  const auto rows = history(http(), task_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].from.has_value());
  EXPECT_EQ(rows[0].to, 1);
  EXPECT_EQ(rows[0].reason, "created");
  EXPECT_TRUE(is_rfc3339_utc(rows[0].at)) << rows[0].at;
}

TEST_F(HistoryTest, RecordsDriveTheTaskThroughFirstRecordAndCompletion) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("hist-1", task_id, phones[0], "Connected")});
  push(http(), {call_record("hist-2", task_id, phones[1], "Connected")});
  ASSERT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
  ASSERT_EQ(delete_task(http(), task_id).status, 200u);

  const auto rows = history(http(), task_id);
  ASSERT_EQ(rows.size(), 4u);
  const std::vector<std::tuple<std::optional<std::int64_t>, std::int64_t, std::string>> expected{
      {std::nullopt, 1, "created"},
      {1, 2, "first_call_record"},
      {2, 3, "records_ingested"},
      {3, 4, "api_delete"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].from, std::get<0>(expected[i])) << "row " << i;
    EXPECT_EQ(rows[i].to, std::get<1>(expected[i])) << "row " << i;
    EXPECT_EQ(rows[i].reason, std::get<2>(expected[i])) << "row " << i;
    EXPECT_TRUE(is_rfc3339_utc(rows[i].at)) << rows[i].at;
  }
  // Oldest first: RFC 3339 UTC strings of one format sort like the times they name.
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LE(rows[i - 1].at.substr(0, 19), rows[i].at.substr(0, 19)) << "row " << i;
  }
}

TEST_F(HistoryTest, ChecksThatChangeNothingWriteNoRows) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("quiet-1", task_id, phones[0], "Connected")});
  const auto before = history(http(), task_id).size();
  check_task(http(), task_id);
  followup(http(), task_id);
  http().post("/check_task_completion", boost::json::object{{"task_id", task_id}});
  http().post("/check_task_completion/batch",
              boost::json::object{{"task_ids", boost::json::array{task_id}}});
  EXPECT_EQ(history(http(), task_id).size(), before);
}

TEST_F(HistoryTest, UnknownTaskIs404) {
  const auto response = http().get("/tasks/55555/history");
  ASSERT_TRUE(is_error(response, 404));
  EXPECT_EQ(response.message(), "任务不存在");
}

}  // namespace
}  // namespace dialtrack::test
