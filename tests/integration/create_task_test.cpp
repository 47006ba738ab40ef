// POST /tasks: the task object, phone normalisation, duplicates, and field validation.
#include <gtest/gtest.h>

#include <string>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class CreateTaskTest : public ServerTest {
 protected:
  std::int64_t total_tasks() {
    const auto response = http().get("/tasks");
    if (response.status != 200) {
      throw std::runtime_error("GET /tasks: " + response.describe());
    }
    return int_field(response.data_object(), "total");
  }
};

TEST_F(CreateTaskTest, AnswersTheNewTaskWith201) {
  boost::json::object body{
      {"name", "November renewals"},
      {"job_group_id", "jg-42"},
      {"leads", boost::json::array{boost::json::object{{"phone", "13800138000"},
                                                       {"name", "张三"},
                                                       {"job_id", "j-1"},
                                                       {"attrs", {{"city", "杭州"}}}},
                                   boost::json::object{{"phone", "13800138001"}}}}};
  const auto response = http().post("/tasks", body);
  ASSERT_EQ(response.status, 201u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  const auto& task = response.data_object();
  EXPECT_GT(int_field(task, "task_id"), 0);
  EXPECT_EQ(string_field(task, "name"), "November renewals");
  EXPECT_EQ(string_field(task, "job_group_id"), "jg-42");
  EXPECT_EQ(int_field(task, "task_type"), 1);
  EXPECT_EQ(int_field(task, "total_calls"), 2);
  EXPECT_EQ(int_field(task, "connected_calls"), 0);
  EXPECT_TRUE(is_rfc3339_utc(string_field(task, "created_at")));
  EXPECT_TRUE(is_rfc3339_utc(string_field(task, "updated_at")));
  ASSERT_TRUE(task.contains("completed_at"));
  EXPECT_TRUE(task.at("completed_at").is_null());

  // The same object is what GET answers.
  const auto stored = get_task(http(), int_field(task, "task_id"));
  EXPECT_EQ(stored, task);
}

TEST_F(CreateTaskTest, TaskIdsAreDistinct) {
  const auto first = create_task(http(), make_phones(1));
  const auto second = create_task(http(), make_phones(1));
  EXPECT_NE(first, second);
}

TEST_F(CreateTaskTest, WithoutLeadsHasNoCallsAndNullJobGroup) {
  const auto response = http().post("/tasks", boost::json::object{{"name", "empty"}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  const auto& task = response.data_object();
  EXPECT_EQ(int_field(task, "total_calls"), 0);
  ASSERT_TRUE(task.contains("job_group_id"));
  EXPECT_TRUE(task.at("job_group_id").is_null());
}

TEST_F(CreateTaskTest, PhonesAreNormalisedAndStoredOnce) {
  // All three spell the same number; brackets, spaces and dashes are removed.
  boost::json::object body{{"name", "dups"},
                           {"leads", boost::json::array{{{"phone", "+86 138-0013-8000"}},
                                                        {{"phone", "+86(138)00138000"}},
                                                        {{"phone", "+8613800138000"}},
                                                        {{"phone", "13800138000"}}}}};
  const auto response = http().post("/tasks", body);
  ASSERT_EQ(response.status, 201u) << response.describe();
  // "+8613800138000" and "13800138000" are one phone too (SPEC §6: one key per number, the
  // default region CN).
  EXPECT_EQ(int_field(response.data_object(), "total_calls"), 1);
}

TEST_F(CreateTaskTest, NameOf200ChineseCharactersIsAccepted) {
  // The limit counts characters, not UTF-8 bytes (200 of these are 600 bytes).
  std::string name;
  for (int i = 0; i < 200; ++i) {
    name += "话";
  }
  const auto response = http().post("/tasks", boost::json::object{{"name", name}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  EXPECT_EQ(string_field(response.data_object(), "name"), name);
}

TEST_F(CreateTaskTest, BadNameIs400NamingTheField) {
  EXPECT_TRUE(is_field_error(http().post("/tasks", boost::json::object{{"name", ""}}), "name"));
  EXPECT_TRUE(is_field_error(
      http().post("/tasks", boost::json::object{{"name", std::string(201, 'x')}}), "name"));
  EXPECT_TRUE(is_field_error(http().post("/tasks", boost::json::object{{"name", 42}}), "name"));
  EXPECT_TRUE(is_field_error(
      http().post("/tasks", boost::json::object{{"leads", boost::json::array{}}}), "name"));
  EXPECT_TRUE(
      is_field_error(http().post("/tasks", boost::json::object{{"name", nullptr}}), "name"));
}

TEST_F(CreateTaskTest, LongJobGroupIdIs400) {
  const auto response = http().post(
      "/tasks", boost::json::object{{"name", "t"}, {"job_group_id", std::string(129, 'g')}});
  EXPECT_TRUE(is_field_error(response, "job_group_id"));
  const auto ok = http().post(
      "/tasks", boost::json::object{{"name", "t"}, {"job_group_id", std::string(128, 'g')}});
  EXPECT_EQ(ok.status, 201u) << ok.describe();
}

TEST_F(CreateTaskTest, InvalidLeadRejectsTheWholeRequestAndStoresNothing) {
  const auto before = total_tasks();
  const std::vector<std::string> bad_phones{"12", "abc", "1380013800012345678901", "",
                                            "+-+13800138000"};
  for (const auto& bad : bad_phones) {
    boost::json::object body{
        {"name", "bad lead"},
        {"leads", boost::json::array{{{"phone", "13800138000"}}, {{"phone", bad}}}}};
    EXPECT_TRUE(is_field_error(http().post("/tasks", body), "leads[1].phone")) << bad;
  }
  EXPECT_EQ(total_tasks(), before);
}

TEST_F(CreateTaskTest, WrongLeadShapesNameTheField) {
  auto with_leads = [](boost::json::value leads) {
    return boost::json::object{{"name", "t"}, {"leads", std::move(leads)}};
  };
  EXPECT_TRUE(is_field_error(http().post("/tasks", with_leads("13800138000")), "leads"));
  EXPECT_TRUE(is_field_error(
      http().post("/tasks", with_leads(boost::json::array{{{"phone", 13800138000}}})),
      "leads[0].phone"));
  EXPECT_TRUE(
      is_field_error(http().post("/tasks", with_leads(boost::json::array{{{"name", "no phone"}}})),
                     "leads[0].phone"));
  EXPECT_TRUE(is_field_error(
      http().post("/tasks", with_leads(boost::json::array{
                                {{"phone", "13800138000"}, {"attrs", "not an object"}}})),
      "leads[0].attrs"));
  EXPECT_TRUE(is_field_error(
      http().post("/tasks", with_leads(boost::json::array{
                                {{"phone", "13800138000"}},
                                {{"phone", "13800138001"}, {"job_id", std::string(129, 'j')}}})),
      "leads[1].job_id"));
  EXPECT_TRUE(is_field_error(http().post("/tasks", with_leads(boost::json::array{"13800138000"})),
                             "leads[0]"));
}

TEST_F(CreateTaskTest, UnknownFieldsAreIgnored) {
  const auto response = http().post(
      "/tasks", boost::json::object{
                    {"name", "t"},
                    {"priority", "high"},
                    {"leads", boost::json::array{{{"phone", "13800138000"}, {"colour", "blue"}}}}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "total_calls"), 1);
}

}  // namespace
}  // namespace dialtrack::test
