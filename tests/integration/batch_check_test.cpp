// POST /check_task_completion/batch: one result per id in request order, unknown ids inside
// the results, and the 1-1000 bound.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class BatchCheckTest : public ServerTest {
 protected:
  Response batch(boost::json::array ids) {
    return http().post("/check_task_completion/batch",
                       boost::json::object{{"task_ids", std::move(ids)}});
  }
};

TEST_F(BatchCheckTest, ResultsFollowTheRequestOrderWithUnknownIdsInline) {
  const auto phones = make_phones(2);
  const auto completed = create_task(http(), phones);
  push(http(), {call_record("b-1", completed, phones[0], "Connected"),
                call_record("b-2", completed, phones[1], "Connected")});
  const auto partial = create_task(http(), phones);
  push(http(), {call_record("b-3", partial, phones[0], "Connected")});
  const auto deleted = create_task(http(), phones);
  ASSERT_EQ(delete_task(http(), deleted).status, 200u);
  constexpr std::int64_t kUnknown = 9090909;

  const auto response = batch({partial, kUnknown, completed, deleted});
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  const auto& results = response.data_object().at("results").as_array();
  ASSERT_EQ(results.size(), 4u);

  const auto& first = results[0].as_object();
  EXPECT_EQ(int_field(first, "task_id"), partial);
  EXPECT_EQ(int_field(first, "task_type"), 2);
  EXPECT_FALSE(bool_field(first, "is_completed"));
  EXPECT_EQ(int_field(first, "total_calls"), 2);
  EXPECT_EQ(int_field(first, "connected_calls"), 1);
  EXPECT_EQ(string_field(first, "message"), "任务未完成，已接通 1/2");

  const auto& unknown = results[1].as_object();
  EXPECT_EQ(int_field(unknown, "task_id"), kUnknown);
  EXPECT_EQ(string_field(unknown, "error"), "任务不存在");

  const auto& done = results[2].as_object();
  EXPECT_EQ(int_field(done, "task_id"), completed);
  EXPECT_TRUE(bool_field(done, "is_completed"));
  EXPECT_EQ(string_field(done, "message"), "任务已完成，所有通话都已接通");

  const auto& gone = results[3].as_object();
  EXPECT_EQ(int_field(gone, "task_id"), deleted);
  EXPECT_EQ(int_field(gone, "task_type"), 4);
  EXPECT_EQ(string_field(gone, "message"), "任务已删除");
}

TEST_F(BatchCheckTest, RepeatedIdsGetOneResultEach) {
  const auto task_id = create_task(http(), make_phones(1));
  const auto response = batch({task_id, task_id});
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(response.data_object().at("results").as_array().size(), 2u);
}

TEST_F(BatchCheckTest, AThousandIdsAreAcceptedAndOneMoreIs400) {
  const auto task_id = create_task(http(), make_phones(1));
  boost::json::array ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(i % 2 == 0 ? task_id : 1000000 + i);
  }
  const auto ok = batch(ids);
  ASSERT_EQ(ok.status, 200u) << ok.describe();
  EXPECT_EQ(ok.data_object().at("results").as_array().size(), 1000u);

  ids.push_back(task_id);
  EXPECT_TRUE(is_field_error(batch(ids), "task_ids"));
}

TEST_F(BatchCheckTest, BadListsNameTheField) {
  EXPECT_TRUE(is_field_error(batch({}), "task_ids"));
  EXPECT_TRUE(is_field_error(http().post("/check_task_completion/batch", boost::json::object{}),
                             "task_ids"));
  EXPECT_TRUE(is_field_error(
      http().post("/check_task_completion/batch", boost::json::object{{"task_ids", 7}}),
      "task_ids"));
  EXPECT_TRUE(is_field_error(batch({1, "two", 3}), "task_ids[1]"));
  EXPECT_TRUE(is_field_error(batch({1, 2, 0}), "task_ids[2]"));
  EXPECT_TRUE(is_field_error(batch({-1}), "task_ids[0]"));
}

TEST_F(BatchCheckTest, EnglishResultsWhenAsked) {
  const auto response = http().post("/check_task_completion/batch",
                                    boost::json::object{{"task_ids", boost::json::array{777777}}},
                                    {{"Accept-Language", "en"}});
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& unknown = response.data_object().at("results").as_array().at(0).as_object();
  EXPECT_FALSE(has_chinese(string_field(unknown, "error")));
}

}  // namespace
}  // namespace dialtrack::test
