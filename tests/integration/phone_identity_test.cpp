// Phone identity (SPEC §6): with the default region CN, `+86 138-0013-8000`, `8613800138000`,
// `008613800138000` and `13800138000` are one phone: one lead per task, and a record pushed
// in any form finds it (by task id or by job group); short numbers key on their digits.
#include <gtest/gtest.h>

#include "campaign_steps.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

const std::vector<std::string> kForms = {"+86 138-0013-8000", "8613800138000", "008613800138000",
                                         "13800138000"};

class PhoneIdentityTest : public ServerTest {};

TEST_F(PhoneIdentityTest, TheFourFormsMakeOneLeadAtCreation) {
  const auto id = create_task(http(), kForms);
  EXPECT_EQ(int_field(get_task(http(), id), "total_calls"), 1);
  const auto leads = all_leads(http(), id).items;
  ASSERT_EQ(leads.size(), 1u);
  // The first form, as written (normalised), beside the key.
  EXPECT_EQ(string_field(leads[0], "phone"), "+8613800138000");
  EXPECT_EQ(string_field(leads[0], "phone_key"), "+8613800138000");
}

TEST_F(PhoneIdentityTest, AddingAnotherFormOfALeadIsADuplicate) {
  const auto id = create_task(http(), {"13800138000"});
  const auto response = add_leads(http(), id, leads_of({kForms[0], kForms[1], kForms[2]}));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "added"), 0);
  EXPECT_EQ(int_field(response.data_object(), "duplicates"), 3);
  EXPECT_EQ(int_field(response.data_object(), "total_calls"), 1);
  EXPECT_EQ(int_field(get_task(http(), id), "total_calls"), 1);
  EXPECT_EQ(phones_of(all_leads(http(), id).items), std::vector<std::string>{"13800138000"});
}

TEST_F(PhoneIdentityTest, ARecordInAnotherFormFindsAndConnectsTheLead) {
  const auto id = create_task(http(), {"13800138000"});
  const auto response =
      push_records(http(), {call_record("form-1", id, "8613800138000", "Connected")});
  const auto counts = ingest_counts(response);
  EXPECT_EQ(counts.accepted, 1);
  EXPECT_EQ(counts.rejected, 0u) << response.describe();
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{id});
  EXPECT_EQ(int_field(get_task(http(), id), "connected_calls"), 1);
  const auto lead = get_lead(http(), id, "13800138000");
  ASSERT_EQ(lead.status, 200u) << lead.describe();
  EXPECT_EQ(string_field(lead.data_object(), "state"), "connected");
  EXPECT_EQ(lead.data_object().at("records").as_array().size(), 1u);
}

TEST_F(PhoneIdentityTest, ARecordNamedByJobGroupInAnotherFormFindsTheLead) {
  const auto id = create_task(http(), {"+86 138-0013-8000", "13900000001"}, "by group", "jg-forms");
  auto record = call_record("group-form-1", 0, "008613800138000", "Connected");
  record.erase("task_id");
  const auto response = push_records(http(), {record}, "jg-forms");
  const auto counts = ingest_counts(response);
  EXPECT_EQ(counts.accepted, 1);
  EXPECT_EQ(counts.rejected, 0u) << response.describe();
  EXPECT_EQ(int_field(get_task(http(), id), "connected_calls"), 1);
  EXPECT_EQ(string_field(get_lead(http(), id, "13800138000").data_object(), "state"), "connected");
}

TEST_F(PhoneIdentityTest, TheSameCallInAnotherFormOfThePhoneIsAnUpdate) {
  const auto id = create_task(http(), {"13800138000", "13900000001"});
  auto counts = push(http(), {call_record_at("moved-1", id, "13800138000", "NoAnswer", 0)});
  EXPECT_EQ(counts.accepted, 1);
  const auto response =
      push_records(http(), {call_record_at("moved-1", id, "+8613800138000", "Connected", 10)});
  counts = ingest_counts(response);
  EXPECT_EQ(counts.rejected, 0u) << response.describe();
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(counts.accepted, 0);
  EXPECT_EQ(int_field(get_task(http(), id), "connected_calls"), 1);
  const auto records = all_records(http(), id);
  EXPECT_EQ(records, (std::map<std::string, std::string>{{"moved-1", "Connected"}}));
  // Another phone under the same call id is still a call that moved.
  counts = push(http(), {call_record_at("moved-1", id, "13900000001", "Connected", 20)});
  EXPECT_EQ(counts.rejected, 1u);
}

TEST_F(PhoneIdentityTest, ShortNumbersKeyOnTheirDigits) {
  const auto id = create_task(http(), {"10086", "+86 10086", "95588"});
  EXPECT_EQ(int_field(get_task(http(), id), "total_calls"), 3);
  const auto leads = all_leads(http(), id).items;
  ASSERT_EQ(leads.size(), 3u);
  EXPECT_EQ(string_field(leads[0], "phone_key"), "10086");
  EXPECT_EQ(string_field(leads[1], "phone_key"), "+8610086");
  EXPECT_EQ(string_field(leads[2], "phone_key"), "95588");

  // A record for 10086 connects that lead only.
  const auto counts = push(http(), {call_record("short-1", id, "10086", "Connected")});
  EXPECT_EQ(counts.accepted, 1);
  const auto connected = all_leads(http(), id, "connected").items;
  EXPECT_EQ(phones_of(connected), std::vector<std::string>{"10086"});
}

TEST_F(PhoneIdentityTest, LeadsAnswerTheirKeyBesideThePhoneAsWritten) {
  const auto id = create_task(http(), {"(138) 0013-8001", "+1 650-253-0000", "0086 139 0000 0001"});
  const auto leads = all_leads(http(), id).items;
  ASSERT_EQ(leads.size(), 3u);
  EXPECT_EQ(phones_of(leads),
            (std::vector<std::string>{"13800138001", "+16502530000", "008613900000001"}));
  EXPECT_EQ(string_field(leads[0], "phone_key"), "+8613800138001");
  EXPECT_EQ(string_field(leads[1], "phone_key"), "+16502530000");
  EXPECT_EQ(string_field(leads[2], "phone_key"), "+8613900000001");
}

}  // namespace
}  // namespace dialtrack::test
