// SPEC §7: JSON numbers are plain decimals (`0.4162`, never `4.162E-1`). Checked on the raw
// text of the answers, as a client's parser or a person reading a log would see them: a parsed
// body cannot tell `0.4667` from `4.667E-1`.
#include <gtest/gtest.h>

#include <string>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

/// The first number written in exponent form (a digit, `e` or `E`, an optional sign and a
/// digit) in `text`, or empty. The answers checked hold no such sequence inside a string.
std::string exponent_number(const std::string& text) {
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if ((text[i] != 'e' && text[i] != 'E') || text[i - 1] < '0' || text[i - 1] > '9') {
      continue;
    }
    auto next = i + 1;
    if (text[next] == '+' || text[next] == '-') {
      ++next;
    }
    if (next < text.size() && text[next] >= '0' && text[next] <= '9') {
      return text.substr(i - 1, next - i + 2);
    }
  }
  return {};
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PlainNumbersTest : public ServerTest {};

TEST_F(PlainNumbersTest, TaskReportWritesRatesAsDecimals) {
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones, "plain numbers");
  json::array records{call_record_at("pn-1", task_id, phones[0], "SucceededFinish", 10),
                      call_record_at("pn-2", task_id, phones[1], "NoAnswer", 20),
                      call_record_at("pn-3", task_id, phones[2], "Busy", 30)};
  records[0].as_object()["duration"] = 50;
  ASSERT_EQ(push(http(), std::move(records)).rejected, 0U);

  const auto r = http().get("/reports/tasks/" + std::to_string(task_id));
  ASSERT_EQ(r.status, 200U) << r.describe();
  // 1 of 3 calls and 1 of 3 phones connected, 1 call per phone, 50 s of talk in 1 call.
  EXPECT_TRUE(has(r.body, R"("connect_rate":0.3333,)")) << r.body;
  EXPECT_TRUE(has(r.body, R"("phone_connect_rate":0.3333,)")) << r.body;
  EXPECT_TRUE(has(r.body, R"("attempts_per_phone":1,)")) << r.body;
  EXPECT_TRUE(has(r.body, R"("average_seconds":50})")) << r.body;
  EXPECT_EQ(exponent_number(r.body), "") << r.body;
}

TEST_F(PlainNumbersTest, ZeroRatesAreZero) {
  const auto task_id = create_task(http(), make_phones(2), "no calls yet");
  const auto r = http().get("/reports/tasks/" + std::to_string(task_id));
  ASSERT_EQ(r.status, 200U) << r.describe();
  EXPECT_TRUE(has(r.body, R"("connect_rate":0,)")) << r.body;
  EXPECT_TRUE(has(r.body, R"("average_seconds":0})")) << r.body;
  EXPECT_EQ(exponent_number(r.body), "") << r.body;
}

TEST_F(PlainNumbersTest, SummaryWritesRatesAsDecimals) {
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones, "summary numbers");
  // Records of 2026-03-01 (call_record_at's base day): 2 of 3 connected.
  ASSERT_EQ(push(http(), {call_record_at("ps-1", task_id, phones[0], "SucceededFinish", 10),
                          call_record_at("ps-2", task_id, phones[1], "SucceededFinish", 20),
                          call_record_at("ps-3", task_id, phones[2], "Busy", 30)})
                .rejected,
            0U);
  const auto r = http().get("/reports/summary?from=2026-02-28&to=2026-03-01");
  ASSERT_EQ(r.status, 200U) << r.describe();
  EXPECT_TRUE(has(r.body, R"("calls":3,"connected_calls":2,"connect_rate":0.6667})")) << r.body;
  EXPECT_TRUE(has(r.body, R"("calls":0,"connected_calls":0,"connect_rate":0})")) << r.body;
  EXPECT_EQ(exponent_number(r.body), "") << r.body;
}

TEST_F(PlainNumbersTest, KeptFieldsAndAttrsAreAnsweredAsDecimals) {
  const auto phones = make_phones(1);
  json::object lead{{"phone", phones[0]},
                    {"attrs", json::object{{"score", 1e-7}, {"weight", 2.5e20}}}};
  const auto created =
      http().post("/tasks", json::object{{"name", "kept numbers"}, {"leads", json::array{lead}}});
  ASSERT_EQ(created.status, 201U) << created.describe();
  const auto task_id = int_field(created.data_object(), "task_id");
  auto record = call_record_at("pk-1", task_id, phones[0], "NoAnswer", 10);
  record["ring_ratio"] = 0.125;
  record["extra"] = json::object{{"tiny", -3e-5}};
  ASSERT_EQ(push(http(), {record}).rejected, 0U);

  const auto records = followup(http(), task_id);
  ASSERT_EQ(records.status, 200U) << records.describe();
  EXPECT_TRUE(has(records.body, R"("ring_ratio":0.125)")) << records.body;
  EXPECT_TRUE(has(records.body, R"("tiny":-0.00003)")) << records.body;
  EXPECT_EQ(exponent_number(records.body), "") << records.body;

  const auto answer = http().get("/tasks/" + std::to_string(task_id) + "/leads/" + phones[0]);
  ASSERT_EQ(answer.status, 200U) << answer.describe();
  EXPECT_TRUE(has(answer.body, R"("score":0.0000001)")) << answer.body;
  EXPECT_TRUE(has(answer.body, R"("weight":250000000000000000000)")) << answer.body;
  EXPECT_EQ(exponent_number(answer.body), "") << answer.body;
}

}  // namespace
}  // namespace dialtrack::test
