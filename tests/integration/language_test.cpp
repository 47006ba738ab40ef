// Messages are Chinese by default and English when the first language tag of Accept-Language
// starts with "en".
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class LanguageTest : public ServerTest {
 protected:
  static bool is_ascii(std::string_view text) {
    for (const char c : text) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        return false;
      }
    }
    return true;
  }
};

TEST_F(LanguageTest, CheckMessagesInEnglish) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("en-1", task_id, phones[0], "Connected")});
  const Headers english{{"Accept-Language", "en"}};
  const std::string target = "/check_task_completion/" + std::to_string(task_id);

  const auto partial = http().get(target, english);
  ASSERT_EQ(partial.status, 200u) << partial.describe();
  EXPECT_TRUE(is_ascii(partial.message())) << partial.message();
  EXPECT_NE(partial.message().find("1/2"), std::string::npos) << partial.message();

  push(http(), {call_record("en-2", task_id, phones[1], "Connected")});
  const auto done = http().get(target, english);
  EXPECT_TRUE(is_ascii(done.message())) << done.message();
  EXPECT_NE(done.message(), partial.message());

  ASSERT_EQ(delete_task(http(), task_id).status, 200u);
  const auto deleted = http().get(target, english);
  EXPECT_TRUE(is_ascii(deleted.message())) << deleted.message();
  EXPECT_NE(deleted.message(), done.message());
}

TEST_F(LanguageTest, ErrorMessagesInEnglish) {
  const Headers english{{"Accept-Language", "en"}};
  const auto not_found = http().get("/tasks/123456", english);
  ASSERT_TRUE(is_error(not_found, 404));
  EXPECT_TRUE(is_ascii(not_found.message())) << not_found.message();

  const auto bad_field = http().post("/tasks", boost::json::object{{"name", ""}}, english);
  ASSERT_TRUE(is_field_error(bad_field, "name"));
  EXPECT_TRUE(is_ascii(bad_field.message())) << bad_field.message();

  const auto bad_json = http().post_text("/tasks", "{", english);
  ASSERT_TRUE(is_error(bad_json, 400));
  EXPECT_TRUE(is_ascii(bad_json.message())) << bad_json.message();

  const auto no_route = http().get("/nowhere", english);
  ASSERT_TRUE(is_error(no_route, 404));
  EXPECT_TRUE(is_ascii(no_route.message())) << no_route.message();
}

TEST_F(LanguageTest, FirstTagDecides) {
  for (const char* value : {"en-US", "en-GB,en;q=0.9", "en-US;q=0.8, zh-CN;q=0.5"}) {
    const auto response = http().get("/tasks/123456", {{"Accept-Language", value}});
    EXPECT_TRUE(is_ascii(response.message())) << value << ": " << response.message();
  }
  for (const char* value : {"zh-CN", "zh-CN,en;q=0.9", "fr", "", "*"}) {
    const auto response = http().get("/tasks/123456", {{"Accept-Language", value}});
    EXPECT_EQ(response.message(), "任务不存在") << value;
  }
  EXPECT_EQ(http().get("/tasks/123456").message(), "任务不存在");
}

TEST_F(LanguageTest, LanguageTagsAreCaseInsensitive) {
  // RFC 5646: tags are case-insensitive, so "EN" asks for English as "en" does.
  const auto response = http().get("/tasks/123456", {{"Accept-Language", "EN-us"}});
  EXPECT_TRUE(is_ascii(response.message())) << response.message();
}

TEST_F(LanguageTest, FieldPathIsTheSameInBothLanguages) {
  boost::json::object body{{"name", "t"}, {"leads", boost::json::array{{{"phone", "1"}}}}};
  EXPECT_TRUE(is_field_error(http().post("/tasks", body), "leads[0].phone"));
  EXPECT_TRUE(
      is_field_error(http().post("/tasks", body, {{"Accept-Language", "en"}}), "leads[0].phone"));
}

}  // namespace
}  // namespace dialtrack::test
