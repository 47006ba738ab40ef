// `dialtrack simulate` against a real server until its tasks complete: the tasks it created
// are complete over the API and their counters match their leads.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// The run id a `simulate` printed (`run <id>: call_ids ...`).
std::string run_id_of(const std::string& out) {
  const auto at = out.find("run ");
  const auto end = out.find(':', at);
  return at == std::string::npos || end == std::string::npos ? std::string()
                                                             : out.substr(at + 4, end - at - 4);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  while (from < text.size()) {
    const auto end = text.find('\n', from);
    lines.push_back(text.substr(from, end == std::string::npos ? std::string::npos : end - from));
    from = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

std::vector<std::string> small_run(std::uint16_t port) {
  return {"simulate",     "--url",  "http://127.0.0.1:" + std::to_string(port),
          "--tasks",      "2",      "--phones",
          "20",           "--rate", "0",
          "--batch-size", "25",     "--connect-rate",
          "0.5",          "--seed", "7"};
}

TEST_F(SimulateTest, TwoRunsAgainstOneServerShareNoCallId) {
  // The same seed twice, as an operator repeating a command: each run draws its own run id,
  // so the second run's records are new to the server, all accepted, and its tasks complete.
  const auto first = run_dialtrack(small_run(server_.port()), {}, std::chrono::seconds(120));
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const auto second = run_dialtrack(small_run(server_.port()), {}, std::chrono::seconds(120));
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(run_id_of(first.out), "") << first.out;
  EXPECT_NE(run_id_of(first.out), run_id_of(second.out));
  EXPECT_EQ(number_after(second.out, "rejected "), 0) << second.out;
  EXPECT_NE(second.out.find("completed 2/2 tasks"), std::string::npos) << second.out;
  EXPECT_EQ(second.err, "");

  const auto page = http().get("/tasks?page_size=100");
  ASSERT_EQ(page.status, 200U) << page.describe();
  const auto& items = page.data_object().at("items").as_array();
  ASSERT_EQ(items.size(), 4U);
  for (const auto& item : items) {
    EXPECT_EQ(int_field(item.as_object(), "connected_calls"), 20) << item;
    EXPECT_FALSE(item.as_object().at("completed_at").is_null()) << item;
  }
}

TEST_F(SimulateTest, ARunIdRepeatedOnTheSameServerSaysWhyEachRecordIsRejected) {
  auto args = small_run(server_.port());
  args.insert(args.end(), {"--run-id", "fixed-1"});
  const auto first = run_dialtrack(args, {}, std::chrono::seconds(120));
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(run_id_of(first.out), "fixed-1");
  // The same call_ids again, for the new tasks of the second run: the server keeps each
  // call_id to its first task and rejects them, and the run says so.
  const auto second = run_dialtrack(args, {}, std::chrono::seconds(120));
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  const auto rejected = number_after(second.out, "rejected ");
  ASSERT_TRUE(rejected) << second.out;
  EXPECT_GT(*rejected, 0);
  const auto lines = lines_of(second.err);
  std::int64_t explained = 0;
  for (const auto& line : lines) {
    if (line.starts_with("dialtrack simulate: record rejected (call_id sim-fixed-1-")) {
      EXPECT_NE(line.find(": the call_id is already stored for another task or phone"),
                std::string::npos)
          << line;
      ++explained;
    }
  }
  EXPECT_EQ(explained, *rejected) << second.err;
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(lines.back().starts_with("dialtrack simulate: failed: " + std::to_string(*rejected) +
                                       " records rejected"))
      << lines.back();
  EXPECT_NE(lines.back().find("the call_id is already stored for another task or phone"),
            std::string::npos)
      << lines.back();
}

TEST_F(SimulateTest, AClosedPortIsOneClearLineAndExitTwo) {
  const auto result = run_dialtrack({"simulate", "--url", "http://127.0.0.1:1", "--tasks", "1"});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_EQ(result.err,
            "dialtrack simulate: failed: cannot reach http://127.0.0.1:1 (cannot connect to "
            "127.0.0.1:1: Connection refused)\n");
}

TEST_F(SimulateTest, AMalformedUrlIsOneClearLineAndExitTwo) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"127.0.0.1:8080", "is not a URL of the form http://HOST:PORT"},
      {"https://127.0.0.1:8443", "https is not supported"},
      {"http://127.0.0.1:99999", "the port must be a number from 1 to 65535"},
      {"http://127.0.0.1:0", "the port must be a number from 1 to 65535"},
      {"http://127.0.0.1:8080/api", "without a path"}};
  for (const auto& [url, says] : cases) {
    const auto result = run_dialtrack({"simulate", "--url", url, "--tasks", "1"});
    EXPECT_EQ(result.exit_code, 2) << url << result.out << result.err;
    EXPECT_EQ(lines_of(result.err).size(), 1U) << result.err;
    EXPECT_TRUE(result.err.starts_with("dialtrack simulate: --url \"" + url + "\"")) << result.err;
    EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "") << url;
  }
}

TEST_F(SimulateTest, ABadRunIdIsRefused) {
  const auto result =
      run_dialtrack({"simulate", "--url", "http://127.0.0.1:" + std::to_string(server_.port()),
                     "--run-id", "a b", "--tasks", "1"});
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("--run-id \"a b\" must be 1 to 32 letters"), std::string::npos)
      << result.err;
  const auto page = http().get("/tasks");
  ASSERT_EQ(page.status, 200U);
  EXPECT_TRUE(page.data_object().at("items").as_array().empty()) << "no task created";
}

}  // namespace
}  // namespace dialtrack::test
