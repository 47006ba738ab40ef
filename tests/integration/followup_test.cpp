// GET /task_followup_records/{task_id}: the task's progress plus its records, newest first,
// paged, with the total number of records.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class FollowupTest : public ServerTest {
 protected:
  static std::vector<std::string> call_ids(const Response& response) {
    std::vector<std::string> ids;
    for (const auto& item : response.data_object().at("records").as_array()) {
      ids.emplace_back(item.as_object().at("call_id").as_string());
    }
    return ids;
  }
};

TEST_F(FollowupTest, PagesRecordsNewestFirst) {
  const auto phones = make_phones(30);
  const auto task_id = create_task(http(), phones);
  // One request per record so each is stored after the previous one.
  for (std::size_t i = 0; i < 25; ++i) {
    push(http(), {call_record("fu-" + std::to_string(i), task_id, phones[i], "NoAnswer")});
  }

  const auto first = http().get("/task_followup_records/" + std::to_string(task_id));
  ASSERT_EQ(first.status, 200u) << first.describe();
  EXPECT_TRUE(is_envelope(first));
  const auto& data = first.data_object();
  EXPECT_EQ(int_field(data, "task_id"), task_id);
  EXPECT_EQ(int_field(data, "task_type"), 2);
  EXPECT_FALSE(bool_field(data, "is_completed"));
  EXPECT_EQ(int_field(data, "total_calls"), 30);
  EXPECT_EQ(int_field(data, "connected_calls"), 0);
  EXPECT_EQ(int_field(data, "total_records"), 25);
  EXPECT_EQ(int_field(data, "page"), 1);
  EXPECT_EQ(int_field(data, "page_size"), 20);
  const auto ids = call_ids(first);
  ASSERT_EQ(ids.size(), 20u);
  EXPECT_EQ(ids.front(), "fu-24");
  EXPECT_EQ(ids.back(), "fu-5");

  const auto second = followup(http(), task_id, 2, 20);
  ASSERT_EQ(second.status, 200u) << second.describe();
  EXPECT_EQ(call_ids(second), (std::vector<std::string>{"fu-4", "fu-3", "fu-2", "fu-1", "fu-0"}));
  EXPECT_EQ(int_field(second.data_object(), "total_records"), 25);

  const auto small = followup(http(), task_id, 3, 2);
  EXPECT_EQ(call_ids(small), (std::vector<std::string>{"fu-20", "fu-19"}));
}

TEST_F(FollowupTest, EveryRecordOfEveryPhoneIsCountedIncludingRetries) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("tr-1", task_id, phones[0], "NoAnswer"),
                call_record("tr-2", task_id, phones[0], "Busy"),
                call_record("tr-3", task_id, phones[0], "Connected"),
                call_record("tr-4", task_id, phones[1], "Failed")});
  const auto response = followup(http(), task_id, 1, 1000);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "total_records"), 4);
  EXPECT_EQ(int_field(response.data_object(), "connected_calls"), 1);
  EXPECT_EQ(int_field(response.data_object(), "page_size"), 1000);
}

TEST_F(FollowupTest, TaskWithoutRecordsHasAnEmptyPage) {
  const auto task_id = create_task(http(), make_phones(3));
  const auto response = followup(http(), task_id);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "total_records"), 0);
  EXPECT_TRUE(response.data_object().at("records").as_array().empty());
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 1);
}

TEST_F(FollowupTest, UnknownTaskIs404) {
  const auto response = followup(http(), 123123);
  ASSERT_TRUE(is_error(response, 404));
  EXPECT_EQ(response.message(), "任务不存在");
}

TEST_F(FollowupTest, BadPagingIs400) {
  const auto task_id = create_task(http(), make_phones(1));
  const std::string base = "/task_followup_records/" + std::to_string(task_id);
  for (const char* query :
       {"?page=0", "?page=-3", "?page=x", "?page_size=0", "?page_size=1001", "?page_size=1.5"}) {
    EXPECT_TRUE(is_error(http().get(base + query), 400)) << query;
  }
}

}  // namespace
}  // namespace dialtrack::test
