// GET /tasks/{id}/leads and /tasks/{id}/leads/{phone} (SPEC §6 "Leads"): leads in lead order
// with their fields and states, paging, state filters whose totals match their items, a phone
// found in any of its forms, and one lead with its call attempts oldest first.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "campaign_steps.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class LeadsApiTest : public ServerTest {};

TEST_F(LeadsApiTest, ListsLeadsInTheOrderTheyWereAddedWithTheirFields) {
  // Not in phone order: the listing follows the order of the leads, not of their numbers.
  const std::vector<std::string> phones = {"13900000005", "13900000001", "13900000003"};
  boost::json::array leads;
  for (std::size_t i = 0; i < phones.size(); ++i) {
    leads.push_back(full_lead(phones[i], static_cast<std::int64_t>(i)));
  }
  const auto id = create_campaign(http(), leads, completion_policy("all_connected"));
  const auto response = list_leads(http(), id);
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "total"), 3);
  EXPECT_EQ(int_field(data, "page"), 1);
  std::vector<boost::json::object> items;
  for (const auto& item : data.at("items").as_array()) {
    items.push_back(item.as_object());
  }
  EXPECT_EQ(phones_of(items), phones);
  ASSERT_EQ(items.size(), 3u);
  const auto& lead = items[1];
  EXPECT_EQ(string_field(lead, "phone_key"), "+8613900000001");
  EXPECT_EQ(string_field(lead, "name"), "客户 1");
  EXPECT_EQ(string_field(lead, "job_id"), "job-1");
  EXPECT_EQ(lead.at("attrs"), leads[1].at("attrs"));
  EXPECT_EQ(string_field(lead, "state"), "pending");
  EXPECT_EQ(int_field(lead, "attempts"), 0);
  EXPECT_TRUE(lead.at("latest_status").is_null());
  EXPECT_TRUE(lead.at("latest_at").is_null());
  EXPECT_TRUE(lead.at("connected_at").is_null());

  push(http(), {call_record_at("fields-1", id, phones[1], "NoAnswer", 0),
                call_record_at("fields-2", id, phones[1], "Connected", 60)});
  const auto after = all_leads(http(), id).items;
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(phones_of(after), phones);
  EXPECT_EQ(string_field(after[1], "state"), "connected");
  EXPECT_EQ(int_field(after[1], "attempts"), 2);
  EXPECT_EQ(string_field(after[1], "latest_status"), "Connected");
  EXPECT_TRUE(is_rfc3339_utc(string_field(after[1], "latest_at")));
  EXPECT_TRUE(is_rfc3339_utc(string_field(after[1], "connected_at")));
  EXPECT_EQ(string_field(after[0], "state"), "pending");
}

TEST_F(LeadsApiTest, PagesThroughTheLeads) {
  const auto phones = make_phones(7);
  const auto id = create_task(http(), phones);
  const auto page = [&](int number) {
    const auto response = list_leads(http(), id, "page=" + std::to_string(number) + "&page_size=3");
    EXPECT_EQ(response.status, 200u) << response.describe();
    EXPECT_EQ(int_field(response.data_object(), "total"), 7);
    EXPECT_EQ(int_field(response.data_object(), "page"), number);
    EXPECT_EQ(int_field(response.data_object(), "page_size"), 3);
    std::vector<boost::json::object> items;
    for (const auto& item : response.data_object().at("items").as_array()) {
      items.push_back(item.as_object());
    }
    return phones_of(items);
  };
  EXPECT_EQ(page(2), (std::vector<std::string>{phones[3], phones[4], phones[5]}));
  EXPECT_EQ(page(3), std::vector<std::string>{phones[6]});
  EXPECT_TRUE(page(4).empty());
}

TEST_F(LeadsApiTest, EachStateFilterTotalsTheItemsItPagesThrough) {
  const auto p = make_phones(10);
  // Two attempts each; Busy is not a final status.
  const auto id = create_campaign(http(), leads_of(p), completion_policy("all_connected", 2));
  push(http(), {// connected: at once, after a miss, and after looking dead (connected wins)
                call_record_at("st-0", id, p[0], "Connected", 0),
                call_record_at("st-1a", id, p[1], "NoAnswer", 0),
                call_record_at("st-1b", id, p[1], "SucceededFinish", 10),
                call_record_at("st-2a", id, p[2], "NotExist", 0),
                call_record_at("st-2b", id, p[2], "Connected", 10),
                // unreachable: dead at once, and dead after a miss
                call_record_at("st-3", id, p[3], "NotExist", 0),
                call_record_at("st-4a", id, p[4], "NoAnswer", 0),
                call_record_at("st-4b", id, p[4], "EmptyNumber", 10),
                // exhausted: two misses
                call_record_at("st-5a", id, p[5], "NoAnswer", 0),
                call_record_at("st-5b", id, p[5], "Busy", 10),
                call_record_at("st-6a", id, p[6], "NoAnswer", 0),
                call_record_at("st-6b", id, p[6], "NoAnswer", 10),
                // pending: one miss, and never called
                call_record_at("st-7", id, p[7], "NoAnswer", 0)});

  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"", p},
      {"connected", {p[0], p[1], p[2]}},
      {"unreachable", {p[3], p[4]}},
      {"exhausted", {p[5], p[6]}},
      {"pending", {p[7], p[8], p[9]}},
      {"not_connected", {p[3], p[4], p[5], p[6], p[7], p[8], p[9]}},
  };
  for (const auto& [state, phones] : expected) {
    SCOPED_TRACE("state=" + state);
    const auto listing = all_leads(http(), id, state, 2);
    EXPECT_EQ(listing.total, static_cast<std::int64_t>(listing.items.size()));
    EXPECT_EQ(phones_of(listing.items), phones);
    EXPECT_EQ(listing.pages, (phones.size() + 1) / 2);
    for (const auto& lead : listing.items) {
      const auto lead_state = string_field(lead, "state");
      if (state == "not_connected") {
        EXPECT_NE(lead_state, "connected");
      } else if (!state.empty()) {
        EXPECT_EQ(lead_state, state);
      }
    }
  }
  const auto task = get_task(http(), id);
  EXPECT_EQ(int_field(task, "connected_calls"), 3);
  EXPECT_EQ(int_field(task, "settled_calls"), 7);
  EXPECT_EQ(int_field(task, "task_type"), 2);
}

TEST_F(LeadsApiTest, APhoneIsFoundInAnyOfItsForms) {
  const auto id = create_task(http(), {"13900000001", "13800138000", "13900000002"});
  push(http(), {call_record("forms-1", id, "13800138000", "NoAnswer")});
  for (const std::string form :
       {"+86 138-0013-8000", "8613800138000", "008613800138000", "13800138000"}) {
    SCOPED_TRACE(form);
    const auto response = list_leads(http(), id, "phone=" + percent_encoded(form));
    ASSERT_EQ(response.status, 200u) << response.describe();
    EXPECT_EQ(int_field(response.data_object(), "total"), 1);
    const auto& items = response.data_object().at("items").as_array();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(string_field(items[0].as_object(), "phone"), "13800138000");
    EXPECT_EQ(string_field(items[0].as_object(), "phone_key"), "+8613800138000");
    EXPECT_EQ(int_field(items[0].as_object(), "attempts"), 1);

    const auto detail = get_lead(http(), id, form);
    ASSERT_EQ(detail.status, 200u) << detail.describe();
    EXPECT_EQ(string_field(detail.data_object(), "phone"), "13800138000");
  }
  // The phone filter and the state filter together; a phone the task does not hold.
  auto response = list_leads(http(), id, "phone=8613800138000&state=connected");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "total"), 0);
  response = list_leads(http(), id, "phone=8613800138000&state=not_connected");
  EXPECT_EQ(int_field(response.data_object(), "total"), 1);
  response = list_leads(http(), id, "phone=13900000003");
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "total"), 0);
  EXPECT_TRUE(response.data_object().at("items").as_array().empty());
}

TEST_F(LeadsApiTest, AnUnparsablePhoneOrAnUnknownStateIs400NamingTheField) {
  const auto id = create_task(http(), make_phones(1));
  for (const std::string phone : {"abc", "12", "139x0000"}) {
    const auto response = list_leads(http(), id, "phone=" + phone);
    EXPECT_TRUE(is_field_error(response, "phone")) << phone << " -> " << response.describe();
  }
  for (const std::string state : {"dead", "CONNECTED", "1"}) {
    const auto response = list_leads(http(), id, "state=" + state);
    EXPECT_TRUE(is_field_error(response, "state")) << state << " -> " << response.describe();
  }
}

TEST_F(LeadsApiTest, ALeadAnswersItsRecordsOldestStartFirst) {
  const auto phones = make_phones(2);
  const auto id = create_task(http(), phones);
  // Pushed newest first; one record of the other lead in between.
  auto attempt = [&](std::string_view call_id, std::string_view phone, int started) {
    auto record = call_record_at(call_id, id, phone, "NoAnswer", started + 30);
    record["started_at"] = event_time(started);
    return record;
  };
  push(http(), {attempt("order-late", phones[0], 7200)});
  push(http(), {attempt("order-other", phones[1], 3600), attempt("order-early", phones[0], 0)});
  push(http(), {attempt("order-mid", phones[0], 3600)});

  // Asked for in another form of the number.
  const auto response = get_lead(http(), id, "+86 " + phones[0]);
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& lead = response.data_object();
  EXPECT_EQ(string_field(lead, "phone"), phones[0]);
  EXPECT_EQ(int_field(lead, "attempts"), 3);
  EXPECT_EQ(string_field(lead, "state"), "pending");
  std::vector<std::string> call_ids;
  std::vector<std::string> started;
  for (const auto& record : lead.at("records").as_array()) {
    call_ids.push_back(string_field(record.as_object(), "call_id"));
    started.push_back(string_field(record.as_object(), "started_at"));
  }
  EXPECT_EQ(call_ids, (std::vector<std::string>{"order-early", "order-mid", "order-late"}));
  EXPECT_EQ(started, (std::vector<std::string>{event_time(0), event_time(3600), event_time(7200)}));
}

TEST_F(LeadsApiTest, UnknownTasksAndPhonesThatAreNoLeadsAre404) {
  const auto id = create_task(http(), {"13900000001"});
  const auto other = create_task(http(), {"13900000002"});

  auto response = list_leads(http(), 987654);
  ASSERT_TRUE(is_error(response, 404)) << response.describe();
  EXPECT_EQ(response.message(), "任务不存在");
  response = get_lead(http(), 987654, "13900000001");
  ASSERT_TRUE(is_error(response, 404)) << response.describe();
  EXPECT_EQ(response.message(), "任务不存在");

  // A lead of another task is not a lead of this one.
  response = get_lead(http(), id, "13900000002");
  ASSERT_TRUE(is_error(response, 404)) << response.describe();
  EXPECT_EQ(response.message(), "该号码不是此任务的线索");
  EXPECT_EQ(get_lead(http(), other, "13900000002").status, 200u);
}

}  // namespace
}  // namespace dialtrack::test
