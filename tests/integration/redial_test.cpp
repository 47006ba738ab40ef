// POST /tasks/{id}/redial (SPEC §6 "Leads"): a new task with the parent's leads in the asked
// states (by default every lead not connected), their names, job ids and attrs, the parent's
// completion policy and `parent_task_id`; the parent itself unchanged; and one redial of
// 100,000 leads in a single request.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <iostream>

#include "campaign_steps.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class RedialTest : public ServerTest {
 protected:
  /// A calling task of five leads with names, job ids and attrs, two attempts each and
  /// PoweredOff as its only dead status, whose leads end connected, unreachable, exhausted,
  /// pending after a miss, and never called.
  std::int64_t parent() {
    boost::json::array leads;
    for (std::size_t i = 0; i < phones_.size(); ++i) {
      leads.push_back(full_lead(phones_[i], static_cast<std::int64_t>(i)));
    }
    const auto id = create_campaign(
        http(), leads,
        completion_policy("all_connected", 2, std::vector<std::string>{"PoweredOff"}),
        "spring campaign", "jg-spring");
    push(http(), {call_record_at("parent-0", id, phones_[0], "Connected", 0),
                  call_record_at("parent-1", id, phones_[1], "PoweredOff", 0),
                  call_record_at("parent-2a", id, phones_[2], "NoAnswer", 0),
                  call_record_at("parent-2b", id, phones_[2], "NotExist", 10),
                  call_record_at("parent-3", id, phones_[3], "Busy", 0)});
    return id;
  }

  /// The child's leads carry the parent's fields for these phones, and nothing of their calls.
  void expect_copied_leads(std::int64_t child, const std::vector<std::size_t>& rows) {
    const auto leads = all_leads(http(), child).items;
    ASSERT_EQ(leads.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto row = static_cast<std::int64_t>(rows[i]);
      const auto expected = full_lead(phones_[rows[i]], row);
      SCOPED_TRACE(boost::json::serialize(leads[i]));
      EXPECT_EQ(string_field(leads[i], "phone"), phones_[rows[i]]);
      EXPECT_EQ(leads[i].at("name"), expected.at("name"));
      EXPECT_EQ(leads[i].at("job_id"), expected.at("job_id"));
      EXPECT_EQ(leads[i].at("attrs"), expected.at("attrs"));
      EXPECT_EQ(string_field(leads[i], "state"), "pending");
      EXPECT_EQ(int_field(leads[i], "attempts"), 0);
      EXPECT_TRUE(leads[i].at("latest_status").is_null());
    }
  }

  std::vector<std::string> phones_ = make_phones(5);
};

TEST_F(RedialTest, ByDefaultEveryLeadNotConnectedIsRedialedWithItsFields) {
  const auto parent_id = parent();
  const auto parent_task = get_task(http(), parent_id);
  ASSERT_EQ(int_field(parent_task, "connected_calls"), 1);

  const auto response = redial(http(), parent_id);
  ASSERT_EQ(response.status, 201u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  const auto& child = response.data_object();
  const auto child_id = int_field(child, "task_id");
  EXPECT_NE(child_id, parent_id);
  EXPECT_EQ(int_field(child, "parent_task_id"), parent_id);
  EXPECT_EQ(string_field(child, "name"), "spring campaign (redial)");
  EXPECT_EQ(int_field(child, "task_type"), 1);
  EXPECT_EQ(int_field(child, "total_calls"), 4);
  EXPECT_EQ(int_field(child, "connected_calls"), 0);
  EXPECT_EQ(int_field(child, "settled_calls"), 0);
  EXPECT_EQ(child.at("completion"), parent_task.at("completion"));
  EXPECT_EQ(get_task(http(), child_id), child);
  expect_copied_leads(child_id, {1, 2, 3, 4});
}

TEST_F(RedialTest, OnlyTheLeadsInTheAskedStatesAreRedialed) {
  const auto parent_id = parent();
  auto response = redial(http(), parent_id, {{"states", boost::json::array{"unreachable"}}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "total_calls"), 1);
  expect_copied_leads(int_field(response.data_object(), "task_id"), {1});

  response = redial(http(), parent_id,
                    {{"states", boost::json::array{"pending", "exhausted"}},
                     {"name", "second round"},
                     {"job_group_id", "jg-second"}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  const auto& child = response.data_object();
  EXPECT_EQ(string_field(child, "name"), "second round");
  EXPECT_EQ(string_field(child, "job_group_id"), "jg-second");
  EXPECT_EQ(int_field(child, "parent_task_id"), parent_id);
  // In the parent's lead order, whatever the order of the states asked for.
  expect_copied_leads(int_field(child, "task_id"), {2, 3, 4});

  response = redial(http(), parent_id, {{"states", boost::json::array{"connected"}}});
  ASSERT_EQ(response.status, 201u) << response.describe();
  expect_copied_leads(int_field(response.data_object(), "task_id"), {0});
}

TEST_F(RedialTest, TheParentIsUnchanged) {
  const auto parent_id = parent();
  const auto before = get_task(http(), parent_id);
  const auto leads_before = all_leads(http(), parent_id).items;
  const auto history_before = history(http(), parent_id).size();

  ASSERT_EQ(redial(http(), parent_id).status, 201u);
  ASSERT_EQ(redial(http(), parent_id, {{"states", boost::json::array{"connected"}}}).status, 201u);

  const auto after = get_task(http(), parent_id);
  for (const auto* key : {"task_type", "total_calls", "connected_calls", "settled_calls",
                          "completion", "name", "job_group_id", "parent_task_id", "completed_at"}) {
    EXPECT_EQ(after.at(key), before.at(key)) << key;
  }
  EXPECT_EQ(all_leads(http(), parent_id).items, leads_before);
  EXPECT_EQ(history(http(), parent_id).size(), history_before);
  // The parent still takes its records and completes by its own leads.
  const auto counts =
      push(http(), {call_record_at("after-1", parent_id, phones_[1], "Connected", 60),
                    call_record_at("after-2", parent_id, phones_[2], "Connected", 60),
                    call_record_at("after-3", parent_id, phones_[3], "Connected", 60),
                    call_record_at("after-4", parent_id, phones_[4], "Connected", 60)});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{parent_id});
}

TEST_F(RedialTest, AnUnknownTaskIs404) {
  const auto response = redial(http(), 987654);
  ASSERT_TRUE(is_error(response, 404)) << response.describe();
  EXPECT_EQ(response.message(), "任务不存在");
}

TEST_F(RedialTest, BadStatesAre400NamingTheFieldAndCreateNothing) {
  const auto parent_id = parent();
  const auto tasks_before = int_field(http().get("/tasks").data_object(), "total");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"states": ["bogus"]})", "states[0]"},
      {R"({"states": ["pending", "Connected"]})", "states[1]"},
      {R"({"states": [1]})", "states[0]"},
      {R"({"states": "pending"})", "states"},
      {R"({"states": []})", "states"},
      {R"({"name": 5})", "name"},
  };
  for (const auto& [body, field] : cases) {
    const auto response = http().post_text("/tasks/" + std::to_string(parent_id) + "/redial", body);
    EXPECT_TRUE(is_field_error(response, field)) << body << " -> " << response.describe();
  }
  EXPECT_EQ(int_field(http().get("/tasks").data_object(), "total"), tasks_before);
}

TEST(RedialVolumeTest, OneHundredThousandUnconnectedLeadsAreRedialedInOneRequest) {
  constexpr std::size_t kLeads = 100'000;
  constexpr std::size_t kPerRequest = 25'000;
  ServerOptions options;
  options.env = {{"DIALTRACK_LIMITS_MAX_LEADS_PER_REQUEST", std::to_string(kPerRequest)}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port(), scaled(std::chrono::seconds(120)));

  const auto phones = make_phones(kLeads, 13000000000);
  const auto parent_id = create_task(http, {}, "a hundred thousand");
  for (std::size_t first = 0; first < kLeads; first += kPerRequest) {
    const std::vector<std::string> part(phones.begin() + static_cast<std::ptrdiff_t>(first),
                                        phones.begin() + static_cast<std::ptrdiff_t>(first) +
                                            static_cast<std::ptrdiff_t>(kPerRequest));
    const auto response = add_leads(http, parent_id, leads_of(part));
    ASSERT_EQ(response.status, 200u) << response.describe();
    ASSERT_EQ(int_field(response.data_object(), "added"), static_cast<std::int64_t>(kPerRequest));
  }
  ASSERT_EQ(int_field(get_task(http, parent_id), "total_calls"), static_cast<std::int64_t>(kLeads));

  const auto started = std::chrono::steady_clock::now();
  const auto response = redial(http, parent_id);
  const auto took = std::chrono::steady_clock::now() - started;
  std::cout << "redial of " << kLeads
            << " leads: " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
            << " ms\n";
  ASSERT_EQ(response.status, 201u) << response.describe();
  const auto child_id = int_field(response.data_object(), "task_id");
  EXPECT_EQ(int_field(response.data_object(), "total_calls"), static_cast<std::int64_t>(kLeads));
  EXPECT_EQ(int_field(response.data_object(), "parent_task_id"), parent_id);
  const auto pending = list_leads(http, child_id, "state=pending&page_size=1");
  ASSERT_EQ(pending.status, 200u) << pending.describe();
  EXPECT_EQ(int_field(pending.data_object(), "total"), static_cast<std::int64_t>(kLeads));
  // The last lead of the parent is the last of the child.
  const auto last = list_leads(http, child_id, "page=" + std::to_string(kLeads) + "&page_size=1");
  ASSERT_EQ(last.status, 200u) << last.describe();
  EXPECT_EQ(string_field(last.data_object().at("items").at(0).as_object(), "phone"), phones.back());
  EXPECT_EQ(int_field(get_task(http, parent_id), "total_calls"), static_cast<std::int64_t>(kLeads));
}

}  // namespace
}  // namespace dialtrack::test
