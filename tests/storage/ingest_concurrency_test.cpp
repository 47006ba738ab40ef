#include <gtest/gtest.h>

#include <algorithm>
#include <exception>
#include <latch>
#include <mutex>
#include <thread>

#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

constexpr int kThreads = 8;
constexpr int kLeads = 300;
constexpr int kBatch = 50;

std::string phone_of(int lead) {
  return std::to_string(13800000000LL + lead);
}

/// What one dialer worker pushes: for every lead a failed first attempt shared by all workers
/// (same call_id) and a connected retry shared by half of them; batches start at a different
/// lead per worker so they overlap in every order.
std::vector<std::vector<app::RecordInput>> batches_of(int worker, TaskId task_id) {
  std::vector<app::RecordInput> records;
  records.reserve(std::size_t{kLeads} * 2);
  for (int i = 0; i < kLeads; ++i) {
    const int lead = (i + worker * 37) % kLeads;
    records.push_back(record_input(records.size(), "first-" + std::to_string(lead), task_id,
                                   phone_of(lead), "NoAnswer", 1000));
    records.push_back(record_input(
        records.size(), "retry-" + std::to_string(lead) + "-" + std::to_string(worker % 2), task_id,
        phone_of(lead), "SucceededFinish", 2000));
  }
  std::vector<std::vector<app::RecordInput>> batches;
  for (std::size_t start = 0; start < records.size(); start += kBatch) {
    const auto end = std::min(records.size(), start + kBatch);
    batches.emplace_back(records.begin() + static_cast<std::ptrdiff_t>(start),
                         records.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return batches;
}

TEST_P(ServicesOnStore, ConcurrentIngestionCountsEveryLeadOnceAndCompletesOnce) {
  std::vector<domain::Lead> task_leads;
  task_leads.reserve(kLeads);
  for (int i = 0; i < kLeads; ++i) {
    task_leads.push_back({phone_of(i), phone_of(i), std::nullopt, std::nullopt, std::nullopt});
  }
  const TaskId id = tasks_->create({"concurrent", std::nullopt, task_leads}).task_id;

  std::mutex results_mutex;
  std::vector<app::IngestResult> results;
  std::vector<std::exception_ptr> failures;
  std::latch start(kThreads);
  std::vector<std::thread> workers;
  workers.reserve(kThreads);
  for (int worker = 0; worker < kThreads; ++worker) {
    workers.emplace_back([&, worker] {
      const auto batches = batches_of(worker, id);
      start.arrive_and_wait();
      for (const auto& batch : batches) {
        try {
          auto result = ingest_->ingest(batch, {});
          const std::lock_guard lock(results_mutex);
          results.push_back(std::move(result));
        } catch (...) {
          const std::lock_guard lock(results_mutex);
          failures.push_back(std::current_exception());
        }
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  ASSERT_TRUE(failures.empty()) << failures.size() << " ingest calls threw";

  std::int64_t accepted = 0;
  std::int64_t seen = 0;
  std::size_t completions_reported = 0;
  for (const auto& result : results) {
    EXPECT_TRUE(result.rejected.empty());
    accepted += result.accepted;
    seen += result.accepted + result.updated + result.unchanged + result.stale;
    completions_reported += result.completed_tasks.size();
  }
  EXPECT_EQ(seen, std::int64_t{kThreads} * kLeads * 2);
  EXPECT_EQ(accepted, kLeads * 3);  // one shared first attempt and two shared retries per lead
  EXPECT_EQ(completions_reported, 1U);

  const auto done = task(id);
  EXPECT_EQ(done.total_calls, kLeads);
  EXPECT_EQ(done.connected_calls, kLeads);
  EXPECT_EQ(done.task_type, TaskType::kCompleted);
  const auto rows = history(id);
  const auto count = [&](TaskType from, TaskType to) {
    return std::count_if(rows.begin(), rows.end(),
                         [&](const auto& row) { return row.from == from && row.to == to; });
  };
  EXPECT_EQ(count(TaskType::kCreated, TaskType::kCalling), 1);
  EXPECT_EQ(count(TaskType::kCalling, TaskType::kCompleted), 1);
  EXPECT_EQ(rows.size(), 3U);
  EXPECT_EQ(begin_read()->records().task_records(id, 1, 1).total, kLeads * 3);
}

}  // namespace
}  // namespace dialtrack::store_test
