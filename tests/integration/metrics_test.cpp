// GET /metrics: Prometheus text that moves with what the service does.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "support/api.hpp"
#include "support/server_test.hpp"
#include "support/timeouts.hpp"

namespace dialtrack::test {
namespace {

/// Parses the text exposition format into `series -> value`; fails the test on a line that
/// is neither a comment nor `name{labels} value`.
std::map<std::string, double> parse_prometheus(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      continue;
    }
    const auto space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << "not a sample line: " << line;
    if (space == std::string::npos) {
      continue;
    }
    const std::string name = line.substr(0, space);
    EXPECT_TRUE(name.starts_with("dialtrack_")) << line;
    std::size_t used = 0;
    const double value = std::stod(line.substr(space + 1), &used);
    EXPECT_EQ(used, line.size() - space - 1) << line;
    out[name] = value;
  }
  return out;
}

double sample(const std::map<std::string, double>& samples, const std::string& series) {
  const auto it = samples.find(series);
  return it == samples.end() ? 0.0 : it->second;
}

class MetricsTest : public ServerTest {
 protected:
  std::map<std::string, double> scrape() {
    const auto response = http().get("/metrics");
    EXPECT_EQ(response.status, 200u);
    const auto type = response.header("Content-Type");
    EXPECT_TRUE(type && type->starts_with("text/plain")) << response.describe();
    return parse_prometheus(response.body);
  }
};

TEST_F(MetricsTest, CountersMoveWithRecordsCompletionsAndRequests) {
  const auto before = scrape();
  const auto phones = make_phones(2);
  const auto task = create_task(http(), phones);
  boost::json::array records{call_record("m-1", task, phones[0], "NoAnswer"),
                             call_record("m-2", task, phones[0], "SucceededFinish"),
                             call_record("m-3", task, phones[1], "Connected"),
                             call_record("m-4", task, "99999", "Connected")};
  push(http(), records);
  push(http(), boost::json::array{call_record("m-1", task, phones[0], "NoAnswer")});
  const auto after = scrape();

  const auto delta = [&](const std::string& series) {
    return sample(after, series) - sample(before, series);
  };
  EXPECT_EQ(delta(R"(dialtrack_records_total{outcome="accepted"})"), 3);
  EXPECT_EQ(delta(R"(dialtrack_records_total{outcome="rejected"})"), 1);
  EXPECT_EQ(delta(R"(dialtrack_records_total{outcome="unchanged"})"), 1);
  EXPECT_EQ(delta(R"(dialtrack_completions_total{trigger="records_ingested"})"), 1);
  EXPECT_EQ(
      delta(
          R"(dialtrack_http_requests_total{method="POST",route="/outbound_call_records",status="200"})"),
      2);
  EXPECT_EQ(delta(R"(dialtrack_http_requests_total{method="POST",route="/tasks",status="201"})"),
            1);
  // The histogram counted both pushes, and its buckets are cumulative up to +Inf.
  EXPECT_EQ(
      delta(R"(dialtrack_http_request_duration_seconds_count{route="/outbound_call_records"})"), 2);
  EXPECT_EQ(
      sample(
          after,
          R"(dialtrack_http_request_duration_seconds_bucket{route="/outbound_call_records",le="+Inf"})"),
      sample(after,
             R"(dialtrack_http_request_duration_seconds_count{route="/outbound_call_records"})"));
}

TEST_F(MetricsTest, RejectedRecordsAreCountedByReasonAndLogged) {
  const auto before = scrape();
  const auto phones = make_phones(1);
  const auto task = create_task(http(), phones);
  boost::json::array records{call_record("rj-1", task, "99999", "Connected"),
                             call_record("rj-2", task, "99998", "Connected"),
                             call_record("rj-3", 4242424242, phones[0], "Connected"),
                             call_record("rj-4", task, phones[0], "not a status!")};
  const auto counts = push(http(), records);
  EXPECT_EQ(counts.accepted, 0);
  const auto after = scrape();
  const auto delta = [&](const std::string& reason) {
    const auto series = R"(dialtrack_records_rejected_total{reason=")" + reason + R"("})";
    return sample(after, series) - sample(before, series);
  };
  EXPECT_EQ(delta("lead_not_found"), 2);
  EXPECT_EQ(delta("task_not_found"), 1);
  EXPECT_EQ(delta("invalid_field"), 1);
  EXPECT_EQ(delta("call_id_moved"), 0);
  // One line for the lot (rate-limited), naming the counts by reason and an example.
  const auto log = server_.log();
  EXPECT_NE(log.find("call records rejected since the last report"), std::string::npos) << log;
  EXPECT_NE(log.find("2 lead_not_found"), std::string::npos) << log;
}

TEST_F(MetricsTest, UnknownRoutesAreCountedWithoutTheirPath) {
  const auto before = scrape();
  EXPECT_EQ(http().get("/no/such/thing").status, 404u);
  const auto after = scrape();
  const std::string series =
      R"(dialtrack_http_requests_total{method="GET",route="unmatched",status="404"})";
  EXPECT_EQ(sample(after, series) - sample(before, series), 1);
  for (const auto& [name, value] : after) {
    EXPECT_EQ(name.find("/no/such/thing"), std::string::npos) << name;
  }
}

TEST(MetricsSweepTest, SweepRunsAndDatabasePoolUseAreReported) {
  ServerOptions options;
  options.env = {{"DIALTRACK_SWEEP_INTERVAL_MS", "20"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  const auto scrape = [&] {
    const auto response = http.get("/metrics");
    EXPECT_EQ(response.status, 200u);
    return parse_prometheus(response.body);
  };

  // The sweep runs every 20 ms; wait (bounded) until two runs were counted.
  const auto deadline = std::chrono::steady_clock::now() + answer_deadline();
  auto samples = scrape();
  while (sample(samples, "dialtrack_sweep_runs_total") < 2) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the sweep did not run twice";
    std::this_thread::yield();
    samples = scrape();
  }
  // One duration observation per run. A scrape reads the families one after the other (in
  // name order: the duration, then the runs) while the sweep goes on, so a run that ends in
  // between shows in one of the two and not yet in the other: they differ by one at most.
  const double runs = sample(samples, "dialtrack_sweep_runs_total");
  const double timed = sample(samples, "dialtrack_sweep_duration_seconds_count");
  EXPECT_GE(timed, runs - 1);
  EXPECT_LE(timed, runs + 1);

  const double size = sample(samples, "dialtrack_db_pool_size");
  const double in_use = sample(samples, "dialtrack_db_pool_in_use");
  EXPECT_GT(size, 0);
  EXPECT_GE(in_use, 0);
  EXPECT_LE(in_use, size);
}

}  // namespace
}  // namespace dialtrack::test
