// A number beyond the range of a double (1e309) where dialtrack stores JSON text as given (a
// record's extra fields, a lead's attrs) is refused naming the field, instead of being stored as
// `Infinity`, which is not JSON and made the record's extra fields read back as null (found by
// fuzz/record_batch_fuzzer). The records beside it are stored with their extra fields intact.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class HugeNumberTest : public ServerTest {};

TEST_F(HugeNumberTest, RecordWithAnInfiniteExtraFieldIsRejectedAndTheOthersKeepTheirs) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  const auto id = std::to_string(task_id);
  const std::string body = R"({"records": [
      {"call_id": "h-ok", "task_id": )" +
                           id + R"(, "phone": ")" + phones[0] +
                           R"(", "call_status": "NoAnswer", "queue": "vip", "score": 1e308},
      {"call_id": "h-inf", "task_id": )" +
                           id + R"(, "phone": ")" + phones[1] +
                           R"(", "call_status": "NoAnswer", "extra": {"weight": [1, -2e400]}},
      {"call_id": "h-top", "task_id": )" +
                           id + R"(, "phone": ")" + phones[1] +
                           R"(", "call_status": "NoAnswer", "queue": 1e309}]})";
  const auto response = http().post_text("/outbound_call_records", body);
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "accepted"), 1);
  const auto& rejected = data.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 2u) << data;
  EXPECT_EQ(int_field(rejected[0].as_object(), "index"), 1);
  EXPECT_NE(string_field(rejected[0].as_object(), "error").find("records[1].extra"),
            std::string::npos)
      << rejected[0];
  EXPECT_EQ(int_field(rejected[1].as_object(), "index"), 2);
  EXPECT_NE(string_field(rejected[1].as_object(), "error").find("records[2].queue"),
            std::string::npos)
      << rejected[1];

  const auto records = followup(http(), task_id);
  ASSERT_EQ(records.status, 200u) << records.describe();
  const auto& items = records.data_object().at("records").as_array();
  ASSERT_EQ(items.size(), 1u);
  const auto& extra = items[0].as_object().at("extra");
  ASSERT_TRUE(extra.is_object()) << items[0];
  EXPECT_EQ(extra.as_object().at("queue"), "vip");
  EXPECT_TRUE(extra.as_object().at("score").is_number());
}

TEST_F(HugeNumberTest, LeadWithInfiniteAttrsIsRefusedNamingTheField) {
  const auto response = http().post_text(
      "/tasks", R"({"name": "t", "leads": [{"phone": "13800138000", "attrs": {"x": 1e999}}]})");
  EXPECT_EQ(response.status, 400u) << response.describe();
  EXPECT_EQ(response.data_object().at("field"), "leads[0].attrs") << response.describe();
}

}  // namespace
}  // namespace dialtrack::test
