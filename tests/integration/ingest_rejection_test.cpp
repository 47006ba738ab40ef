// A record whose fields are invalid, or whose task or lead cannot be found, is rejected alone;
// the valid records of the same batch are stored.
#include <gtest/gtest.h>

#include <set>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestRejectionTest : public ServerTest {};

TEST_F(IngestRejectionTest, InvalidRecordsAreListedAndValidOnesStored) {
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones);
  const auto other_task = create_task(http(), make_phones(1, 15000000000));

  auto bad_duration = call_record("rej-dur", task_id, phones[1], "NoAnswer");
  bad_duration["duration"] = -1;
  auto bad_time = call_record("rej-time", task_id, phones[1], "NoAnswer");
  bad_time["event_time"] = "yesterday";
  auto no_call_id = call_record("", task_id, phones[1], "NoAnswer");
  no_call_id.erase("call_id");
  auto text_task_id = call_record("rej-tid", task_id, phones[1], "NoAnswer");
  text_task_id["task_id"] = "abc";

  boost::json::array records{
      call_record("ok-0", task_id, phones[0], "Connected"),                // 0 valid
      call_record("rej-status", task_id, phones[1], "Not Valid!"),         // 1 bad status
      call_record("rej-task", 99999999, phones[1], "NoAnswer"),            // 2 unknown task
      call_record("rej-lead", task_id, "13111111111", "NoAnswer"),         // 3 not a lead
      call_record("rej-other", other_task, phones[1], "NoAnswer"),         // 4 lead of other
      bad_duration,                                                        // 5
      bad_time,                                                            // 6
      no_call_id,                                                          // 7
      call_record(std::string(129, 'c'), task_id, phones[1], "NoAnswer"),  // 8 long call_id
      text_task_id,                                                        // 9
      call_record("rej-phone", task_id, "12", "NoAnswer"),                 // 10 bad phone
      call_record("rej-empty", task_id, phones[1], ""),                    // 11 empty status
      call_record("ok-12", task_id, phones[2], "NoAnswer"),                // 12 valid
  };
  const auto response = push_records(http(), records);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_TRUE(is_envelope(response));
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "accepted"), 2);

  const auto& rejected = data.at("rejected").as_array();
  std::vector<std::int64_t> indexes;
  for (const auto& item : rejected) {
    const auto& entry = item.as_object();
    indexes.push_back(int_field(entry, "index"));
    EXPECT_FALSE(string_field(entry, "error").empty()) << entry;
    EXPECT_TRUE(entry.contains("call_id")) << entry;
  }
  EXPECT_EQ(indexes, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  for (const auto& item : rejected) {
    const auto& entry = item.as_object();
    const auto index = int_field(entry, "index");
    if (index == 1 || index == 2 || index == 3) {
      EXPECT_EQ(entry.at("call_id"), records[static_cast<std::size_t>(index)].at("call_id"));
    }
  }

  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "connected_calls"), 1);
  EXPECT_EQ(int_field(followup(http(), task_id).data_object(), "total_records"), 2);
  EXPECT_EQ(int_field(followup(http(), other_task).data_object(), "total_records"), 0);
}

TEST_F(IngestRejectionTest, RejectionErrorsAreEnglishWhenAsked) {
  const auto task_id = create_task(http(), make_phones(1));
  const auto response = http().post(
      "/outbound_call_records",
      boost::json::object{
          {"records", boost::json::array{call_record("en-1", task_id, "13111111111", "NoAnswer")}}},
      {{"Accept-Language", "en"}});
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& rejected = response.data_object().at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 1u);
  const auto error = string_field(rejected[0].as_object(), "error");
  EXPECT_FALSE(has_chinese(error)) << error;
  EXPECT_FALSE(has_chinese(response.message())) << response.message();
}

TEST_F(IngestRejectionTest, AllRejectedStillAnswers200AndStoresNothing) {
  const auto task_id = create_task(http(), make_phones(1));
  const auto counts = push(http(), {call_record("none-1", task_id, "13111111111", "Connected"),
                                    call_record("none-2", 88888888, "13900000000", "Connected")});
  EXPECT_EQ(counts.rejected, 2u);
  EXPECT_EQ(counts.accepted, 0);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 1);
}

TEST_F(IngestRejectionTest, BodyErrorsAre400) {
  EXPECT_TRUE(
      is_field_error(http().post("/outbound_call_records", boost::json::object{}), "records"));
  EXPECT_TRUE(is_field_error(
      http().post("/outbound_call_records", boost::json::object{{"records", "all of them"}}),
      "records"));
  EXPECT_TRUE(is_field_error(
      http().post("/outbound_call_records", boost::json::object{{"records", nullptr}}), "records"));
}

TEST_F(IngestRejectionTest, NonObjectRecordIsRejectedAlone) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  const auto response = push_records(
      http(), {"just a string", 42, call_record("obj-ok", task_id, phones[0], "NoAnswer")});
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "accepted"), 1);
  std::set<std::int64_t> indexes;
  for (const auto& item : data.at("rejected").as_array()) {
    indexes.insert(int_field(item.as_object(), "index"));
  }
  EXPECT_EQ(indexes, (std::set<std::int64_t>{0, 1}));
}

}  // namespace
}  // namespace dialtrack::test
