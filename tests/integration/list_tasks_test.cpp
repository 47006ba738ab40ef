// GET /tasks: newest first, default and explicit paging, task_type filter, search by name (q),
// bad parameters.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

/// Every byte as %XX, as a browser's encodeURIComponent would send a Chinese name.
std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4U];
    out += kHex[byte & 0xFU];
  }
  return out;
}

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

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

TEST_F(ListTasksTest, SearchFindsNamesContainingQIgnoringAsciiCaseWithTheirTotal) {
  const auto november = create_task(http(), make_phones(1), "November renewals");
  for (int i = 0; i < 21; ++i) {
    create_task(http(), make_phones(1), "survey " + std::to_string(i));
  }
  const auto december = create_task(http(), make_phones(1), "December RENEWALS");
  // The oldest match is not on the first page of the whole list.
  const auto newest = ids_of(http().get("/tasks"));
  ASSERT_EQ(newest.size(), 20u);
  EXPECT_EQ(std::count(newest.begin(), newest.end(), november), 0);

  const auto response = http().get("/tasks?q=Renewals");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  EXPECT_EQ(ids_of(response), (std::vector<std::int64_t>{december, november}));
  EXPECT_EQ(int_field(response.data_object(), "total"), 2);
  EXPECT_EQ(int_field(response.data_object(), "page"), 1);
  EXPECT_EQ(int_field(response.data_object(), "page_size"), 20);

  // Trimmed (`+` is a space in a query), and paged like the whole list.
  const auto second = http().get("/tasks?q=+%20newals%09&page=2&page_size=1");
  ASSERT_EQ(second.status, 200u) << second.describe();
  EXPECT_EQ(ids_of(second), std::vector<std::int64_t>{november});
  EXPECT_EQ(int_field(second.data_object(), "total"), 2);
  EXPECT_EQ(int_field(second.data_object(), "page"), 2);

  const auto none = http().get("/tasks?q=renewalsx");
  ASSERT_EQ(none.status, 200u) << none.describe();
  EXPECT_TRUE(ids_of(none).empty());
  EXPECT_EQ(int_field(none.data_object(), "total"), 0);

  // Empty or blank: no search.
  for (const char* target : {"/tasks?q=", "/tasks?q=%20%20", "/tasks?q"}) {
    const auto all = http().get(target);
    ASSERT_EQ(all.status, 200u) << target << ": " << all.describe();
    EXPECT_EQ(int_field(all.data_object(), "total"), 23) << target;
  }
}

TEST_F(ListTasksTest, SearchFindsChineseNamesSentPercentEncoded) {
  const auto november = create_task(http(), make_phones(1), "十一月续费回访");
  create_task(http(), make_phones(1), "新客户欢迎");
  const auto december = create_task(http(), make_phones(1), "十二月续费回访");

  const auto response = http().get("/tasks?q=" + percent_encoded("续费"));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(ids_of(response), (std::vector<std::int64_t>{december, november}));
  EXPECT_EQ(int_field(response.data_object(), "total"), 2);
  const auto& items = response.data_object().at("items").as_array();
  EXPECT_EQ(string_field(items.at(1).as_object(), "name"), "十一月续费回访");

  const auto one = http().get("/tasks?q=%E5%8D%81%E4%B8%80%E6%9C%88");  // 十一月
  ASSERT_EQ(one.status, 200u) << one.describe();
  EXPECT_EQ(ids_of(one), std::vector<std::int64_t>{november});
}

TEST_F(ListTasksTest, SearchTakesPercentAndUnderscoreLiterally) {
  const auto percent = create_task(http(), make_phones(1), "50% off");
  create_task(http(), make_phones(1), "500 off");
  const auto underscore = create_task(http(), make_phones(1), "a_b");
  create_task(http(), make_phones(1), "axb");

  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected{
      {"%25", {percent}},    {"0%25", {percent}}, {"_", {underscore}},
      {"a_b", {underscore}}, {"%25%25", {}},      {"5_0", {}}};
  for (const auto& [q, ids] : expected) {
    const auto response = http().get("/tasks?q=" + q);
    ASSERT_EQ(response.status, 200u) << q << ": " << response.describe();
    EXPECT_EQ(ids_of(response), ids) << "q=" << q;
    EXPECT_EQ(int_field(response.data_object(), "total"), static_cast<std::int64_t>(ids.size()))
        << "q=" << q;
  }
}

TEST_F(ListTasksTest, SearchCombinesWithTaskType) {
  const auto created = create_task(http(), make_phones(1), "renewals created");
  const auto started = create_task(http(), make_phones(1), "renewals started");
  ASSERT_EQ(start_task(http(), started).status, 200u);
  const auto other = create_task(http(), make_phones(1), "survey started");
  ASSERT_EQ(start_task(http(), other).status, 200u);

  const auto calling = http().get("/tasks?q=renewals&task_type=2");
  ASSERT_EQ(calling.status, 200u) << calling.describe();
  EXPECT_EQ(ids_of(calling), std::vector<std::int64_t>{started});
  EXPECT_EQ(int_field(calling.data_object(), "total"), 1);

  const auto waiting = http().get("/tasks?task_type=1&q=RENEWALS");
  ASSERT_EQ(waiting.status, 200u) << waiting.describe();
  EXPECT_EQ(ids_of(waiting), std::vector<std::int64_t>{created});

  const auto completed = http().get("/tasks?q=renewals&task_type=3");
  ASSERT_EQ(completed.status, 200u) << completed.describe();
  EXPECT_TRUE(ids_of(completed).empty());
  EXPECT_EQ(int_field(completed.data_object(), "total"), 0);
}

TEST_F(ListTasksTest, SearchLongerThan200CharactersIs400NamingQ) {
  const auto id = create_task(http(), make_phones(1), repeated("续", 200));
  // 200 characters (600 bytes) are accepted: the longest task name.
  const auto longest = http().get("/tasks?q=" + percent_encoded(repeated("续", 200)));
  ASSERT_EQ(longest.status, 200u) << longest.describe();
  EXPECT_EQ(ids_of(longest), std::vector<std::int64_t>{id});

  const auto chinese = http().get("/tasks?q=" + percent_encoded(repeated("续", 201)));
  EXPECT_TRUE(is_field_error(chinese, "q"));
  EXPECT_EQ(chinese.message(), "字段 q 过长，最多 200 个字符");

  const auto english = http().get("/tasks?q=" + repeated("a", 201), {{"Accept-Language", "en"}});
  EXPECT_TRUE(is_field_error(english, "q"));
  EXPECT_EQ(english.message(), "field q is longer than 200 characters");
}

TEST_F(ListTasksTest, SearchThatIsNotUtf8TextIs400NamingQ) {
  create_task(http(), make_phones(1), "张三");
  for (const char* target : {"/tasks?q=%D5%C5%C8%FD", "/tasks?q=%FF", "/tasks?q=a%00b"}) {
    EXPECT_TRUE(is_field_error(http().get(target), "q")) << target;
  }
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
