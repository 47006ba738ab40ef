// Time sanity (SPEC §6): a record stamped more than `ingest.max_future_skew` past the server's
// clock, or before 2000, is rejected on its own, naming the field, so one skewed dialer clock
// cannot make every later true update of a call stale. Pushes, CSV imports and `recount` alike.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <ctime>
#include <fstream>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;
using std::chrono::minutes;

/// RFC 3339 UTC, whole seconds, `offset` from this machine's clock (the server's clock too).
std::string from_now(std::chrono::seconds offset) {
  const std::time_t at = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + offset);
  std::tm utc{};
  gmtime_r(&at, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text.data();
}

json::object record_with(std::string_view call_id, std::int64_t task_id, std::string_view phone,
                         std::string_view status, std::string_view field, json::value at) {
  auto record = call_record(call_id, task_id, phone, status);
  record[field] = std::move(at);
  return record;
}

/// The `rejected` entries of an ingestion answer.
json::array rejections(const Response& response) {
  return response.data_object().at("rejected").as_array();
}

class IngestTimeSanityTest : public ServerTest {};

TEST_F(IngestTimeSanityTest, FutureStampedUpdateIsRejectedAndTheTrueUpdateCompletesTheTask) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);

  // A dialer whose clock says 2099 reports the call as not answered ...
  const auto skewed = push_records(http(), {record_with("skew-1", task_id, phones[0], "NoAnswer",
                                                        "event_time", "2099-01-01T00:00:00Z")});
  ASSERT_EQ(skewed.status, 200u) << skewed.describe();
  const auto counts = ingest_counts(skewed);
  EXPECT_EQ(counts.accepted, 0);
  ASSERT_EQ(counts.rejected, 1u);
  const auto rejected = rejections(skewed);
  const auto& entry = rejected[0].as_object();
  EXPECT_EQ(int_field(entry, "index"), 0);
  EXPECT_EQ(string_field(entry, "call_id"), "skew-1");
  const auto error = string_field(entry, "error");
  EXPECT_NE(error.find("records[0].event_time"), std::string::npos) << error;
  EXPECT_NE(error.find("2099-01-01T00:00:00Z"), std::string::npos) << error;

  // ... and then, with a true clock, as answered: not stale, and the task completes.
  const auto truth =
      push(http(), {record_with("skew-1", task_id, phones[0], "SucceededFinish", "event_time",
                                json::value(from_now(std::chrono::seconds{0})))});
  EXPECT_EQ(truth.accepted, 1);
  EXPECT_EQ(truth.stale, 0);
  EXPECT_EQ(truth.completed_tasks, (std::vector<std::int64_t>{task_id}));
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

TEST_F(IngestTimeSanityTest, EachTimeFieldIsCheckedAndTheValidRecordsOfTheBatchAreStored) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  json::array records{
      record_with("ok-near", task_id, phones[0], "NoAnswer", "event_time",
                  json::value(from_now(minutes{1}))),  // within the 5 minutes
      record_with("bad-start", task_id, phones[0], "NoAnswer", "started_at",
                  json::value(from_now(minutes{6}))),
      record_with("bad-end", task_id, phones[0], "NoAnswer", "ended_at", "9999-12-31T23:59:59Z"),
      record_with("bad-seconds", task_id, phones[1], "NoAnswer", "event_time",
                  99'999'999'999),  // seconds: year 5138
      record_with("bad-zero", task_id, phones[1], "NoAnswer", "event_time", "0000-01-01T00:00:00Z"),
      record_with("bad-1999", task_id, phones[1], "NoAnswer", "started_at", "1999-12-31T23:59:59Z"),
      record_with("ok-millis", task_id, phones[1], "SucceededFinish", "event_time",
                  1'772'352'000'000),  // 2026-03-01 in milliseconds
  };
  auto request = json::object{{"records", std::move(records)}};
  const auto answer = http().post("/outbound_call_records", request, {{"Accept-Language", "en"}});
  ASSERT_EQ(answer.status, 200u) << answer.describe();
  const auto counts = ingest_counts(answer);
  EXPECT_EQ(counts.accepted, 2);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"records[1].started_at", "ahead of the server's clock"},
      {"records[2].ended_at", "9999-12-31T23:59:59Z"},
      {"records[3].event_time", "5138-11-16T09:46:39Z"},
      {"records[4].event_time", "before 2000-01-01"},
      {"records[5].started_at", "before 2000-01-01"},
  };
  const auto rejected = rejections(answer);
  ASSERT_EQ(rejected.size(), expected.size()) << answer.body;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto error = string_field(rejected[i].as_object(), "error");
    EXPECT_NE(error.find(expected[i].first), std::string::npos) << error;
    EXPECT_NE(error.find(expected[i].second), std::string::npos) << error;
  }
  const auto stored = all_records(http(), task_id);
  EXPECT_EQ(stored.size(), 2u);
  EXPECT_TRUE(stored.contains("ok-near") && stored.contains("ok-millis"));
}

TEST(IngestTimeSanitySettingTest, MaxFutureSkewComesFromTheConfiguration) {
  ServerOptions options;
  options.env = {{"DIALTRACK_INGEST_MAX_FUTURE_SKEW", "3600"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  const auto phones = make_phones(1);
  const auto task_id = create_task(http, phones);
  const auto counts = push(http, {record_with("in-hour", task_id, phones[0], "NoAnswer",
                                              "event_time", json::value(from_now(minutes{50}))),
                                  record_with("past-hour", task_id, phones[0], "NoAnswer",
                                              "event_time", json::value(from_now(minutes{70})))});
  EXPECT_EQ(counts.accepted, 1);
  EXPECT_EQ(counts.rejected, 1u);

  const auto refused =
      run_dialtrack({"serve", "--listen", "127.0.0.1:0", "--db", server.db()},
                    {{"DIALTRACK_INGEST_MAX_FUTURE_SKEW", "5m"}}, std::chrono::seconds(20));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("ingest.max_future_skew"), std::string::npos) << refused.err;
}

TEST_F(IngestTimeSanityTest, CsvImportAppliesTheSameRules) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  const auto t = std::to_string(task_id);
  const auto path = server_.dir() / "records.csv";
  std::ofstream(path) << "call_id,task_id,phone,call_status,event_time\n"
                      << "c-1," << t << "," << phones[0] << ",NoAnswer,2099-01-01T00:00:00Z\n"
                      << "c-2," << t << "," << phones[0] << ",NoAnswer,1970-01-02T00:00:00Z\n"
                      << "c-3," << t << "," << phones[0] << ",SucceededFinish,"
                      << from_now(std::chrono::seconds{0}) << "\n";
  const auto result = run_dialtrack({"import-records", path.string(), "--db", server_.db()}, {},
                                    std::chrono::seconds(60));
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.err.find("line 2: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("event_time (2099-01-01T00:00:00Z)"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("line 3: "), std::string::npos) << result.err;
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

TEST(IngestTimeSanityRecountTest, RecountListsRecordsStoredWithFutureTimesPerTask) {
  // Stored while a day of skew was allowed (as an older version stored anything): recount,
  // with the default of 5 minutes, lists them by task.
  ServerOptions options;
  options.env = {{"DIALTRACK_INGEST_MAX_FUTURE_SKEW", "86400"}};
  ServerProcess server(options);
  server.start();
  HttpConnection http(server.port());
  const auto phones = make_phones(3);
  const auto skewed_task = create_task(http, phones);
  const auto fine_task = create_task(http, make_phones(1, 15000000000));
  const auto later = from_now(std::chrono::hours{2});
  const auto counts = push(
      http,
      {record_with("f-1", skewed_task, phones[0], "NoAnswer", "event_time", json::value(later)),
       record_with("f-2", skewed_task, phones[1], "NoAnswer", "ended_at", json::value(later)),
       record_with("now-1", skewed_task, phones[2], "NoAnswer", "event_time",
                   json::value(from_now(std::chrono::seconds{0}))),
       record_with("now-2", fine_task, "15000000000", "NoAnswer", "event_time",
                   json::value(from_now(std::chrono::seconds{0})))});
  ASSERT_EQ(counts.accepted, 4);

  const auto result = run_dialtrack({"recount", "--db", server.db()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto line = "task " + std::to_string(skewed_task) + ": 2 call records stamped after ";
  EXPECT_NE(result.out.find(line), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("f-1 (" + later + ")"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("f-2 (" + later + ")"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("task " + std::to_string(fine_task) + ":"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("2 tasks checked, 0 with drift, 2 call records stamped in the future"),
            std::string::npos)
      << result.out;

  // One task only, and a generous skew that makes them acceptable: nothing listed.
  const auto one = run_dialtrack({"recount", std::to_string(fine_task), "--db", server.db()});
  EXPECT_EQ(one.out.find("stamped"), std::string::npos) << one.out;
  const auto lenient = run_dialtrack({"recount", "--db", server.db()},
                                     {{"DIALTRACK_INGEST_MAX_FUTURE_SKEW", "86400"}});
  EXPECT_EQ(lenient.out.find("stamped"), std::string::npos) << lenient.out;
}

}  // namespace
}  // namespace dialtrack::test
