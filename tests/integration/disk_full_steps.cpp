#include "disk_full_steps.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <sstream>
#include <string_view>

#include "support/api.hpp"

namespace dialtrack::test {

namespace {

/// A batch of fresh records; the padding (kept as an extra field) makes each push take room.
boost::json::array padded_batch(int batch, int size, std::int64_t task_id,
                                const std::vector<std::string>& phones) {
  boost::json::array records;
  for (int i = 0; i < size; ++i) {
    const auto index = static_cast<std::size_t>(batch * size + i) % phones.size();
    auto record = call_record("full-" + std::to_string(batch) + "-" + std::to_string(i), task_id,
                              phones[index], "NoAnswer");
    record["note"] = std::string(400, 'p');
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<std::string> call_ids(const boost::json::array& records) {
  std::vector<std::string> out;
  for (const auto& record : records) {
    out.emplace_back(record.as_object().at("call_id").as_string());
  }
  return out;
}

/// A refusal for space: 507, the error envelope, and a Retry-After in seconds.
void expect_full_disk_refusal(const Response& response) {
  EXPECT_EQ(response.status, 507u) << response.describe();
  const auto& envelope = response.envelope();
  EXPECT_EQ(envelope.at("status"), "error") << response.describe();
  EXPECT_EQ(envelope.at("code"), 507) << response.describe();
  EXPECT_FALSE(response.message().empty());
  const auto retry_after = response.header("Retry-After");
  ASSERT_TRUE(retry_after.has_value()) << "a 507 without Retry-After: " << response.describe();
  int seconds = 0;
  const auto [end, error] =
      std::from_chars(retry_after->data(), retry_after->data() + retry_after->size(), seconds);
  EXPECT_TRUE(error == std::errc{} && end == retry_after->data() + retry_after->size() &&
              seconds > 0)
      << "Retry-After: " << *retry_after;
}

constexpr int kRecordsAfterFreeing = 50;

}  // namespace

ServerWithTask start_with_task(const std::string& db, std::string_view task_name) {
  ServerOptions options;
  options.db = db;
  ServerWithTask s;
  s.server = std::make_unique<ServerProcess>(options);
  s.server->start();
  s.http = std::make_unique<HttpConnection>(s.server->port());
  s.phones = make_phones(2000);
  s.task_id = create_task(*s.http, s.phones, task_name);
  return s;
}

void free_space_and_expect_writes_resume(HttpConnection& http, std::int64_t task_id,
                                         const std::vector<std::string>& phones, PushLog& log,
                                         const std::filesystem::path& filler) {
  std::filesystem::remove(filler);
  push_expecting_success(http, task_id, phones, log, 20);
  expect_kept_exactly_the_acknowledged(http, task_id, log);
}

void PushLog::merge(const PushLog& other) {
  acknowledged.insert(other.acknowledged.begin(), other.acknowledged.end());
  refused.insert(other.refused.begin(), other.refused.end());
  acknowledged_pushes += other.acknowledged_pushes;
  refused_pushes += other.refused_pushes;
  next_batch = std::max(next_batch, other.next_batch);
}

void push_until_full(HttpConnection& http, std::int64_t task_id,
                     const std::vector<std::string>& phones, PushLog& log,
                     const std::function<void()>& after_each, FillPlan plan) {
  int in_a_row = 0;
  for (int n = 0; n < plan.max_pushes && in_a_row < plan.refusals_wanted; ++n) {
    const auto records = padded_batch(log.next_batch++, plan.records_per_push, task_id, phones);
    const auto response = push_records(http, records);
    ASSERT_TRUE(response.status == 200u || response.status == 507u)
        << "a push on a filling disk must be stored (200) or refused for space (507), got "
        << response.describe();
    const auto ids = call_ids(records);
    if (response.status == 200u) {
      log.acknowledged.insert(ids.begin(), ids.end());
      ++log.acknowledged_pushes;
      in_a_row = 0;
    } else {
      expect_full_disk_refusal(response);
      log.refused.insert(ids.begin(), ids.end());
      ++log.refused_pushes;
      ++in_a_row;
    }
    if (after_each) {
      after_each();
    }
  }
  ASSERT_EQ(in_a_row, plan.refusals_wanted) << "the disk never filled in " << plan.max_pushes
                                            << " pushes (" << log.acknowledged_pushes << " stored)";
}

void push_expecting_success(HttpConnection& http, std::int64_t task_id,
                            const std::vector<std::string>& phones, PushLog& log, int pushes) {
  for (int n = 0; n < pushes; ++n) {
    const auto records = padded_batch(log.next_batch++, kRecordsAfterFreeing, task_id, phones);
    const auto response = push_records(http, records);
    ASSERT_EQ(response.status, 200u) << "push " << n + 1 << " after space was freed, "
                                     << "without a restart: " << response.describe();
    const auto ids = call_ids(records);
    log.acknowledged.insert(ids.begin(), ids.end());
    ++log.acknowledged_pushes;
  }
}

void expect_kept_exactly_the_acknowledged(HttpConnection& http, std::int64_t task_id,
                                          const PushLog& log) {
  const auto stored = all_records(http, task_id);
  std::size_t missing = 0;
  std::string first_missing;
  for (const auto& id : log.acknowledged) {
    if (!stored.contains(id)) {
      first_missing = missing++ == 0 ? id : first_missing;
    }
  }
  EXPECT_EQ(missing, 0u) << missing << " of " << log.acknowledged.size()
                         << " acknowledged records are missing, e.g. " << first_missing;
  std::size_t kept = 0;
  for (const auto& id : log.refused) {
    kept += stored.contains(id) ? 1 : 0;
  }
  EXPECT_EQ(kept, 0u) << kept << " records of pushes refused with 507 were stored";
  EXPECT_EQ(stored.size(), log.acknowledged.size());
}

double storage_full_total(HttpConnection& http) {
  const auto response = http.get("/metrics");
  EXPECT_EQ(response.status, 200u) << response.describe();
  std::istringstream lines(response.body);
  std::string line;
  constexpr std::string_view kName = "dialtrack_storage_full_total ";
  while (std::getline(lines, line)) {
    if (line.starts_with(kName)) {
      return std::stod(line.substr(kName.size()));
    }
  }
  ADD_FAILURE() << "no dialtrack_storage_full_total in /metrics";
  return -1;
}

}  // namespace dialtrack::test
