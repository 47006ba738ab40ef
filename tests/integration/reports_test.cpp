// GET /reports/tasks/{id} and /reports/summary: every number checked against what the test
// itself computes from the records it sent; the CSV forms parsed back.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <random>

#include "support/csv_text.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

namespace json = boost::json;

// 2026-11-28T08:00:00Z.
constexpr std::time_t kBase = 1795852800;

std::string utc(std::time_t at) {
  std::tm tm{};
  gmtime_r(&at, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string utc_date(std::time_t at) {
  std::tm tm{};
  gmtime_r(&at, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

bool is_connected(const std::string& status) {
  return status == "Connected" || status.starts_with("Succeeded");
}

/// What the test sent, and the numbers it expects from it.
struct Sent {
  json::array records;
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t phones_called = 0;
  std::int64_t connected_phones = 0;
  std::int64_t talk_seconds = 0;
  std::map<std::string, std::int64_t> status_all;
  std::map<std::string, std::int64_t> status_latest;
  std::map<std::int64_t, std::int64_t> histogram;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> hours;
  std::time_t first = 0;
  std::time_t last = 0;
};

Sent make_records(std::int64_t task_id, const std::vector<std::string>& phones) {
  static const std::vector<std::string> kStatuses{"NoAnswer",
                                                  "Busy",
                                                  "PoweredOff",
                                                  "SucceededFinish",
                                                  "SucceededClientHangUp",
                                                  "Failed",
                                                  "SucceededTransferByIntent",
                                                  "Unreachable"};
  std::mt19937 rng(20261128);
  Sent s;
  for (std::size_t i = 0; i < phones.size(); ++i) {
    if (i % 10 == 0) {
      continue;  // never called
    }
    const auto attempts = static_cast<std::int64_t>(1 + rng() % 4);
    bool connected_phone = false;
    std::string last_status;
    for (std::int64_t j = 0; j < attempts; ++j) {
      const auto& status = kStatuses[rng() % kStatuses.size()];
      const bool connected = is_connected(status);
      const std::time_t started =
          kBase + static_cast<std::time_t>(i) * 7 * 60 + static_cast<std::time_t>(j) * 50 * 60;
      const std::int64_t duration = connected ? 10 + static_cast<std::int64_t>(rng() % 200) : 0;
      json::object r{{"call_id", "rp-" + std::to_string(i) + "-" + std::to_string(j)},
                     {"task_id", task_id},
                     {"phone", phones[i]},
                     {"call_status", status},
                     {"started_at", utc(started)},
                     {"ended_at", utc(started + duration)},
                     {"duration", duration},
                     {"event_time", utc(started + duration + 5)}};
      s.records.push_back(std::move(r));
      ++s.calls;
      ++s.status_all[status];
      if (connected) {
        ++s.connected_calls;
        s.talk_seconds += duration;
        connected_phone = true;
      }
      auto& hour = s.hours[utc(started - started % 3600)];
      ++hour.first;
      hour.second += connected ? 1 : 0;
      s.first = s.first == 0 ? started : std::min(s.first, started);
      s.last = std::max(s.last, started);
      last_status = status;
    }
    ++s.phones_called;
    s.connected_phones += connected_phone ? 1 : 0;
    ++s.histogram[attempts];
    ++s.status_latest[last_status];
  }
  return s;
}

std::map<std::string, std::int64_t> status_map(const json::value& items) {
  std::map<std::string, std::int64_t> out;
  std::int64_t previous = INT64_MAX;
  for (const auto& item : items.as_array()) {
    const auto& o = item.as_object();
    const auto count = int_field(o, "count");
    EXPECT_LE(count, previous) << "not ordered by count, descending";
    previous = count;
    out[string_field(o, "call_status")] = count;
  }
  return out;
}

double number(const json::object& o, std::string_view key) {
  return o.at(key).to_number<double>();
}

class ReportsTest : public ServerTest {
 protected:
  /// Sends the records in a shuffled order, in batches, plus a resend of the first ten.
  void send(const Sent& sent) {
    std::vector<json::value> shuffled(sent.records.begin(), sent.records.end());
    std::mt19937 rng(7);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (std::size_t i = 0; i < shuffled.size(); i += 25) {
      json::array batch;
      for (std::size_t k = i; k < std::min(shuffled.size(), i + 25); ++k) {
        batch.push_back(shuffled[k]);
      }
      const auto counts = push(http(), std::move(batch));
      ASSERT_EQ(counts.rejected, 0U);
    }
    json::array again(sent.records.begin(), sent.records.begin() + 10);
    EXPECT_EQ(push(http(), std::move(again)).unchanged, 10);
  }
};

TEST_F(ReportsTest, TaskReportMatchesTheRecordsSent) {
  const auto phones = make_phones(40);
  const auto task_id = create_task(http(), phones, "报表任务");
  const auto sent = make_records(task_id, phones);
  send(sent);

  const auto r = http().get("/reports/tasks/" + std::to_string(task_id));
  ASSERT_EQ(r.status, 200U) << r.describe();
  EXPECT_TRUE(is_envelope(r));
  const auto& d = r.data_object();
  EXPECT_EQ(int_field(d, "task_id"), task_id);
  EXPECT_EQ(string_field(d, "name"), "报表任务");
  EXPECT_EQ(int_field(d, "task_type"), 2);
  EXPECT_EQ(int_field(d, "total_phones"), 40);
  EXPECT_EQ(int_field(d, "phones_called"), sent.phones_called);
  EXPECT_EQ(int_field(d, "connected_phones"), sent.connected_phones);
  EXPECT_EQ(int_field(d, "calls"), sent.calls);
  EXPECT_EQ(int_field(d, "connected_calls"), sent.connected_calls);
  EXPECT_NEAR(number(d, "connect_rate"),
              static_cast<double>(sent.connected_calls) / static_cast<double>(sent.calls), 1e-4);
  EXPECT_NEAR(number(d, "phone_connect_rate"), static_cast<double>(sent.connected_phones) / 40.0,
              1e-4);
  EXPECT_NEAR(number(d, "attempts_per_phone"),
              static_cast<double>(sent.calls) / static_cast<double>(sent.phones_called), 1e-4);

  std::map<std::int64_t, std::int64_t> histogram;
  for (const auto& h : d.at("attempts_histogram").as_array()) {
    histogram[int_field(h.as_object(), "attempts")] = int_field(h.as_object(), "phones");
  }
  EXPECT_EQ(histogram, sent.histogram);
  EXPECT_EQ(status_map(d.at("status_all")), sent.status_all);
  EXPECT_EQ(status_map(d.at("status_latest")), sent.status_latest);

  const auto& talk = d.at("talk_time").as_object();
  EXPECT_EQ(int_field(talk, "total_seconds"), sent.talk_seconds);
  EXPECT_NEAR(number(talk, "average_seconds"),
              static_cast<double>(sent.talk_seconds) / static_cast<double>(sent.connected_calls),
              0.01);

  std::map<std::string, std::pair<std::int64_t, std::int64_t>> hours;
  std::string previous;
  for (const auto& h : d.at("calls_per_hour").as_array()) {
    const auto hour = string_field(h.as_object(), "hour");
    EXPECT_LT(previous, hour) << "hours ascending";
    previous = hour;
    hours[hour] = {int_field(h.as_object(), "calls"), int_field(h.as_object(), "connected_calls")};
  }
  EXPECT_EQ(hours, sent.hours);
  EXPECT_EQ(string_field(d, "first_call_at"), utc(sent.first));
  EXPECT_EQ(string_field(d, "last_call_at"), utc(sent.last));
}

TEST_F(ReportsTest, TaskWithoutRecordsHasZerosAndNullTimes) {
  const auto task_id = create_task(http(), make_phones(3));
  const auto r = http().get("/reports/tasks/" + std::to_string(task_id));
  ASSERT_EQ(r.status, 200U) << r.describe();
  const auto& d = r.data_object();
  EXPECT_EQ(int_field(d, "total_phones"), 3);
  EXPECT_EQ(int_field(d, "calls"), 0);
  EXPECT_EQ(number(d, "connect_rate"), 0.0);
  EXPECT_EQ(number(d, "attempts_per_phone"), 0.0);
  EXPECT_TRUE(d.at("status_all").as_array().empty());
  EXPECT_TRUE(d.at("calls_per_hour").as_array().empty());
  EXPECT_TRUE(d.at("first_call_at").is_null());
  EXPECT_TRUE(d.at("last_call_at").is_null());
}

TEST_F(ReportsTest, TaskReportCsvHasBomHeaderAndTheSameNumbers) {
  const auto phones = make_phones(40);
  const std::string name = "外呼, \"十一月\"";
  const auto task_id = create_task(http(), phones, name);
  const auto sent = make_records(task_id, phones);
  send(sent);

  const auto r = http().get("/reports/tasks/" + std::to_string(task_id) + "?format=csv");
  ASSERT_EQ(r.status, 200U) << r.describe();
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/csv; charset=utf-8");
  ASSERT_TRUE(r.body.starts_with("\xEF\xBB\xBF")) << "no UTF-8 BOM";
  const auto rows = parse_csv(std::string_view(r.body).substr(3));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"section", "key", "value"}));
  std::map<std::string, std::map<std::string, std::string>> sections;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 3U) << "row " << i;
    sections[rows[i][0]][rows[i][1]] = rows[i][2];
  }
  EXPECT_EQ(sections["summary"]["name"], name);
  EXPECT_EQ(sections["summary"]["calls"], std::to_string(sent.calls));
  EXPECT_EQ(sections["summary"]["connected_calls"], std::to_string(sent.connected_calls));
  EXPECT_EQ(sections["summary"]["phones_called"], std::to_string(sent.phones_called));
  EXPECT_EQ(sections["summary"]["talk_total_seconds"], std::to_string(sent.talk_seconds));
  EXPECT_NEAR(std::stod(sections["summary"]["connect_rate"]),
              static_cast<double>(sent.connected_calls) / static_cast<double>(sent.calls), 1e-4);
  std::map<std::string, std::string> all;
  for (const auto& [status, count] : sent.status_all) {
    all[status] = std::to_string(count);
  }
  EXPECT_EQ(sections["status_all"], all);
  std::map<std::string, std::string> latest;
  for (const auto& [status, count] : sent.status_latest) {
    latest[status] = std::to_string(count);
  }
  EXPECT_EQ(sections["status_latest"], latest);
  std::map<std::string, std::string> histogram;
  for (const auto& [attempts, phones_count] : sent.histogram) {
    histogram[std::to_string(attempts)] = std::to_string(phones_count);
  }
  EXPECT_EQ(sections["attempts_histogram"], histogram);
  std::map<std::string, std::string> hours;
  for (const auto& [hour, counts] : sent.hours) {
    hours[hour] = std::to_string(counts.first);
  }
  EXPECT_EQ(sections["calls_per_hour"], hours);
}

class SummaryTest : public ServerTest {
 protected:
  static std::map<std::string, json::object> by_date(const json::object& data) {
    std::map<std::string, json::object> out;
    for (const auto& d : data.at("days").as_array()) {
      out[string_field(d.as_object(), "date")] = d.as_object();
    }
    return out;
  }
};

TEST_F(SummaryTest, CallsAreCountedOnTheirLocalDayWithZeroDaysIncluded) {
  const auto phones = make_phones(3);
  const auto task_id = create_task(http(), phones);
  // 2026-11-20T15:30Z is the 20th at +08:00; 16:30Z is already the 21st there.
  const std::time_t t1 = 1795188600;  // 2026-11-20T15:30:00Z
  push(http(), {json::object{{"call_id", "s-1"},
                             {"task_id", task_id},
                             {"phone", phones[0]},
                             {"call_status", "NoAnswer"},
                             {"started_at", utc(t1)}},
                json::object{{"call_id", "s-2"},
                             {"task_id", task_id},
                             {"phone", phones[1]},
                             {"call_status", "Busy"},
                             {"started_at", utc(t1 + 3600)}},
                json::object{{"call_id", "s-3"},
                             {"task_id", task_id},
                             {"phone", phones[2]},
                             {"call_status", "SucceededFinish"},
                             {"started_at", utc(t1 + 36 * 3600)}}});

  const auto local =
      http().get("/reports/summary?from=2026-11-19&to=2026-11-23&utc_offset=%2B08:00");
  ASSERT_EQ(local.status, 200U) << local.describe();
  const auto& data = local.data_object();
  EXPECT_EQ(string_field(data, "from"), "2026-11-19");
  EXPECT_EQ(string_field(data, "to"), "2026-11-23");
  EXPECT_EQ(string_field(data, "utc_offset"), "+08:00");
  const auto days = by_date(data);
  ASSERT_EQ(days.size(), 5U);
  const std::map<std::string, std::pair<std::int64_t, std::int64_t>> expected{
      {"2026-11-19", {0, 0}},
      {"2026-11-20", {1, 0}},
      {"2026-11-21", {1, 0}},
      {"2026-11-22", {1, 1}},
      {"2026-11-23", {0, 0}}};
  for (const auto& [date, counts] : expected) {
    const auto& d = days.at(date);
    EXPECT_EQ(int_field(d, "calls"), counts.first) << date;
    EXPECT_EQ(int_field(d, "connected_calls"), counts.second) << date;
    const double rate =
        counts.first == 0 ? 0.0
                          : static_cast<double>(counts.second) / static_cast<double>(counts.first);
    EXPECT_EQ(number(d, "connect_rate"), rate) << date;
  }

  // The same calls in UTC: the first two on the 20th. An unencoded `+` reads the same.
  const auto in_utc =
      by_date(http().get("/reports/summary?from=2026-11-20&to=2026-11-22").data_object());
  EXPECT_EQ(int_field(in_utc.at("2026-11-20"), "calls"), 2);
  EXPECT_EQ(int_field(in_utc.at("2026-11-21"), "calls"), 0);
  EXPECT_EQ(int_field(in_utc.at("2026-11-22"), "calls"), 1);
  const auto plus = http().get("/reports/summary?from=2026-11-21&to=2026-11-21&utc_offset=+08:00");
  ASSERT_EQ(plus.status, 200U) << plus.describe();
  EXPECT_EQ(int_field(by_date(plus.data_object()).at("2026-11-21"), "calls"), 1);
}

TEST_F(SummaryTest, DefaultIsTheLastSevenDaysWithTodaysTasks) {
  const auto phones = make_phones(1);
  const auto done = create_task(http(), phones);
  create_task(http(), make_phones(2));
  const auto counts = push(http(), {call_record("d-1", done, phones[0], "SucceededFinish")});
  ASSERT_EQ(counts.completed_tasks, std::vector<std::int64_t>{done});

  const auto r = http().get("/reports/summary");
  ASSERT_EQ(r.status, 200U) << r.describe();
  const auto& data = r.data_object();
  const auto today = utc_date(std::time(nullptr));
  EXPECT_EQ(string_field(data, "to"), today);
  EXPECT_EQ(string_field(data, "utc_offset"), "+00:00");
  const auto days = by_date(data);
  ASSERT_EQ(days.size(), 7U);
  EXPECT_EQ(int_field(days.at(today), "tasks_created"), 2);
  EXPECT_EQ(int_field(days.at(today), "tasks_completed"), 1);
  std::int64_t created = 0;
  for (const auto& [date, d] : days) {
    created += int_field(d, "tasks_created");
  }
  EXPECT_EQ(created, 2);
}

TEST_F(SummaryTest, CsvHasBomHeaderAndOneRowPerDay) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  push(http(), {json::object{{"call_id", "c-1"},
                             {"task_id", task_id},
                             {"phone", phones[0]},
                             {"call_status", "SucceededFinish"},
                             {"started_at", utc(kBase)}}});
  const auto r = http().get("/reports/summary?from=2026-11-27&to=2026-11-29&format=csv");
  ASSERT_EQ(r.status, 200U) << r.describe();
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/csv; charset=utf-8");
  ASSERT_TRUE(r.body.starts_with("\xEF\xBB\xBF"));
  const auto rows = parse_csv(std::string_view(r.body).substr(3));
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"date", "tasks_created", "tasks_completed", "calls",
                                               "connected_calls", "connect_rate"}));
  EXPECT_EQ(rows[1][0], "2026-11-27");
  EXPECT_EQ(rows[1][3], "0");
  EXPECT_EQ(rows[2][0], "2026-11-28");
  EXPECT_EQ(rows[2][3], "1");
  EXPECT_EQ(rows[2][4], "1");
  EXPECT_EQ(rows[2][5], "1");
  EXPECT_EQ(rows[3][0], "2026-11-29");
}

TEST_F(SummaryTest, BadParametersAreA400NamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/reports/summary?from=2026-13-01&to=2026-12-01", "from"},
      {"/reports/summary?from=2026-02-30", "from"},
      {"/reports/summary?to=yesterday", "to"},
      {"/reports/summary?from=2026-11-02&to=2026-11-01", "from"},
      {"/reports/summary?from=2024-01-01&to=2026-01-01", "from"},
      {"/reports/summary?utc_offset=%2B25:00", "utc_offset"},
      {"/reports/summary?utc_offset=8", "utc_offset"},
      {"/reports/summary?utc_offset=%2B05:17", "utc_offset"},
      {"/reports/summary?format=xml", "format"},
      {"/reports/tasks/1?format=pdf", "format"},
      {"/reports/tasks/abc", "task_id"},
      {"/reports/tasks/0", "task_id"}};
  create_task(http(), make_phones(1));
  for (const auto& [target, field] : cases) {
    const auto r = http().get(target, {{"Accept-Language", "en"}});
    EXPECT_EQ(r.status, 400U) << target << ": " << r.describe();
    EXPECT_TRUE(is_envelope(r)) << target;
    EXPECT_EQ(string_field(r.data_object(), "field"), field) << target;
    EXPECT_NE(r.message().find(field), std::string::npos) << target << ": " << r.message();
  }
}

TEST_F(ReportsTest, UnknownTaskIsA404) {
  const auto r = http().get("/reports/tasks/987654");
  EXPECT_EQ(r.status, 404U) << r.describe();
  EXPECT_TRUE(is_envelope(r));
  EXPECT_EQ(r.message(), "任务不存在");
  EXPECT_EQ(http().get("/reports/tasks/987654?format=csv").status, 404U);
}

}  // namespace
}  // namespace dialtrack::test
