// `dialtrack simulate` against a real server until its tasks complete: the tasks it created
// are complete over the API and their counters match their leads.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "support/process.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

/// The number printed right after the first `key` in `text` that is followed by digits.
/// (Plain search: std::regex trips -Wmaybe-uninitialized in the sanitizer build.)
std::optional<std::int64_t> number_after(const std::string& text, std::string_view key) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
    auto end = at + key.size();
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
      ++end;
    }
    if (end > at + key.size()) {
      return std::stoll(text.substr(at + key.size(), end - at - key.size()));
    }
  }
  return std::nullopt;
}

class SimulateTest : public ServerTest {};

TEST_F(SimulateTest, RunsUntilEveryTaskIsComplete) {
  const auto result = run_dialtrack(
      {"simulate", "--url", "http://127.0.0.1:" + std::to_string(server_.port()), "--tasks", "3",
       "--phones", "40", "--rate", "0", "--batch-size", "25", "--connect-rate", "0.5",
       "--duplicate-rate", "0.1", "--out-of-order-rate", "0.1", "--seed", "7"},
      {}, std::chrono::seconds(120));
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("completed 3/3 tasks"), std::string::npos) << result.out;

  const auto page = http().get("/tasks?page_size=100");
  ASSERT_EQ(page.status, 200U) << page.describe();
  const auto& items = page.data_object().at("items").as_array();
  ASSERT_EQ(items.size(), 3U);
  std::int64_t calls = 0;
  for (const auto& item : items) {
    const auto& task = item.as_object();
    const auto task_id = int_field(task, "task_id");
    EXPECT_EQ(int_field(task, "task_type"), 3) << task_id;
    EXPECT_EQ(int_field(task, "total_calls"), 40) << task_id;
    EXPECT_EQ(int_field(task, "connected_calls"), 40) << task_id;
    EXPECT_FALSE(task.at("completed_at").is_null());
    EXPECT_NE(string_field(task, "name").find("模拟"), std::string::npos);
    const auto report = http().get("/reports/tasks/" + std::to_string(task_id));
    ASSERT_EQ(report.status, 200U);
    EXPECT_EQ(int_field(report.data_object(), "phones_called"), 40);
    EXPECT_EQ(int_field(report.data_object(), "connected_phones"), 40);
    calls += int_field(report.data_object(), "calls");
  }
  // Every attempt the simulator made is one stored record: duplicates and late updates add none.
  const auto printed_calls = number_after(result.out, "; calls ");
  ASSERT_TRUE(printed_calls) << result.out;
  EXPECT_EQ(calls, *printed_calls);
  EXPECT_EQ(number_after(result.out, "rejected "), 0) << result.out;
}

TEST_F(SimulateTest, AnUnreachableServerIsExitTwo) {
  const auto result = run_dialtrack({"simulate", "--url", "http://127.0.0.1:1", "--tasks", "1"});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
}

}  // namespace
}  // namespace dialtrack::test
