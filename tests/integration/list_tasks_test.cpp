// GET /tasks: newest first, default and explicit paging, task_type filter, bad parameters.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class ListTasksTest : public ServerTest {
 protected:
  std::vector<std::int64_t> ids_of(const Response& response) {
    std::vector<std::int64_t> ids;
    for (const auto& item : response.data_object().at("items").as_array()) {
      ids.push_back(int_field(item.as_object(), "task_id"));
    }
    return ids;
  }
};

TEST_F(ListTasksTest, NewestFirstWithDefaultPaging) {
  std::vector<std::int64_t> created;
  for (int i = 0; i < 25; ++i) {
    created.push_back(create_task(http(), make_phones(1), "task " + std::to_string(i)));
  }
  const auto response = http().get("/tasks");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "total"), 25);
  EXPECT_EQ(int_field(data, "page"), 1);
  EXPECT_EQ(int_field(data, "page_size"), 20);
  const auto ids = ids_of(response);
  ASSERT_EQ(ids.size(), 20u);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i], created[created.size() - 1 - i]) << "position " << i;
  }
}

TEST_F(ListTasksTest, SecondPageHoldsTheOldest) {
  std::vector<std::int64_t> created;
  for (int i = 0; i < 7; ++i) {
    created.push_back(create_task(http(), make_phones(1)));
  }
  const auto response = http().get("/tasks?page=2&page_size=3");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "total"), 7);
  EXPECT_EQ(int_field(response.data_object(), "page"), 2);
  EXPECT_EQ(int_field(response.data_object(), "page_size"), 3);
  EXPECT_EQ(ids_of(response), (std::vector<std::int64_t>{created[3], created[2], created[1]}));

  const auto past_the_end = http().get("/tasks?page=4&page_size=3");
  ASSERT_EQ(past_the_end.status, 200u) << past_the_end.describe();
  EXPECT_TRUE(ids_of(past_the_end).empty());
  EXPECT_EQ(int_field(past_the_end.data_object(), "total"), 7);
}

TEST_F(ListTasksTest, FiltersByTaskType) {
  const auto phones = make_phones(1);
  const auto created = create_task(http(), phones);
  const auto started = create_task(http(), phones);
  ASSERT_EQ(start_task(http(), started).status, 200u);
  const auto completed = create_task(http(), phones);
  push(http(), {call_record("list-c1", completed, phones[0], "Connected")});
  const auto deleted = create_task(http(), phones);
  ASSERT_EQ(delete_task(http(), deleted).status, 200u);

  const std::vector<std::pair<int, std::int64_t>> expected{
      {1, created}, {2, started}, {3, completed}, {4, deleted}};
  for (const auto& [type, id] : expected) {
    const auto response = http().get("/tasks?task_type=" + std::to_string(type));
    ASSERT_EQ(response.status, 200u) << response.describe();
    EXPECT_EQ(ids_of(response), std::vector<std::int64_t>{id}) << "task_type " << type;
    EXPECT_EQ(int_field(response.data_object(), "total"), 1) << "task_type " << type;
  }
  EXPECT_EQ(int_field(http().get("/tasks").data_object(), "total"), 4);
}

TEST_F(ListTasksTest, LargestPageSizeIsAccepted) {
  create_task(http(), make_phones(1));
  const auto response = http().get("/tasks?page_size=1000");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "page_size"), 1000);
}

TEST_F(ListTasksTest, BadQueryParametersAre400) {
  for (const char* target :
       {"/tasks?page=0", "/tasks?page=-1", "/tasks?page=abc", "/tasks?page_size=0",
        "/tasks?page_size=1001", "/tasks?page_size=x", "/tasks?task_type=0", "/tasks?task_type=5",
        "/tasks?task_type=two", "/tasks?page=99999999999999999999"}) {
    EXPECT_TRUE(is_error(http().get(target), 400)) << target;
  }
}

}  // namespace
}  // namespace dialtrack::test
