// Many dialer connections pushing records for one task at once: counters stay exact and the
// task completes exactly once (one history row, one completed_tasks entry over all answers).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

constexpr std::size_t kThreads = 16;
constexpr std::size_t kPhones = 400;
constexpr std::size_t kBatch = 25;

struct Totals {
  std::int64_t accepted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t stale = 0;
  std::size_t rejected = 0;
  std::size_t completions = 0;  ///< answers whose completed_tasks contains the task
  std::vector<std::string> failures;
};

/// The records of the whole run, split by the thread that sends them. Every phone gets a
/// NoAnswer attempt, a NoAnswer -> Connected progression of one call_id, and a Connected
/// retry, each sent by different threads, plus exact repeats from a third thread; so every
/// ordering of the threads must end with all phones connected.
std::vector<boost::json::array> plan(std::int64_t task_id, const std::vector<std::string>& phones,
                                     std::set<std::string>& call_ids) {
  std::vector<boost::json::array> per_thread(kThreads);
  for (std::size_t p = 0; p < phones.size(); ++p) {
    const auto& phone = phones[p];
    const std::string id = std::to_string(p);
    auto send = [&](std::size_t thread, boost::json::object record) {
      call_ids.insert(std::string(record.at("call_id").as_string()));
      per_thread[thread % kThreads].push_back(std::move(record));
    };
    send(p, call_record_at("a-" + id, task_id, phone, "NoAnswer", 0));
    send(p + 3, call_record_at("b-" + id, task_id, phone, "NoAnswer", 10));
    send(p + 7, call_record_at("b-" + id, task_id, phone, "Connected", 20));
    send(p + 11, call_record_at("c-" + id, task_id, phone, "SucceededClientHangUp", 30));
    send(p + 13, call_record_at("c-" + id, task_id, phone, "SucceededClientHangUp", 30));
    if (p % 4 == 0) {
      send(p + 5, call_record_at("b-" + id, task_id, phone, "Connected", 20));
    }
  }
  return per_thread;
}

class ConcurrencyTest : public ServerTest {};

TEST_F(ConcurrencyTest, SixteenConnectionsCompleteOneTaskExactlyOnce) {
  const auto phones = make_phones(kPhones);
  const auto task_id = create_task(http(), phones, "concurrent");
  std::set<std::string> call_ids;
  auto per_thread = plan(task_id, phones, call_ids);

  Totals totals;
  std::mutex totals_mutex;
  std::vector<std::thread> threads;
  std::latch start_together(static_cast<std::ptrdiff_t>(kThreads));
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Totals mine;
      try {
        HttpConnection connection(server_.port());
        auto& records = per_thread[t];
        std::mt19937 shuffle_rng(static_cast<unsigned>(t) + 1);
        std::shuffle(records.begin(), records.end(), shuffle_rng);
        // Start pushing together to maximise overlap.
        start_together.arrive_and_wait();
        for (std::size_t i = 0; i < records.size(); i += kBatch) {
          boost::json::array batch(
              records.begin() + static_cast<std::ptrdiff_t>(i),
              records.begin() + static_cast<std::ptrdiff_t>(std::min(i + kBatch, records.size())));
          const auto response = push_records(connection, std::move(batch));
          if (response.status != 200) {
            mine.failures.push_back(response.describe());
            continue;
          }
          const auto counts = ingest_counts(response);
          mine.accepted += counts.accepted;
          mine.updated += counts.updated;
          mine.unchanged += counts.unchanged;
          mine.stale += counts.stale;
          mine.rejected += counts.rejected;
          mine.completions += static_cast<std::size_t>(
              std::count(counts.completed_tasks.begin(), counts.completed_tasks.end(), task_id));
        }
      } catch (const std::exception& error) {
        mine.failures.emplace_back(error.what());
      }
      std::lock_guard lock(totals_mutex);
      totals.accepted += mine.accepted;
      totals.updated += mine.updated;
      totals.unchanged += mine.unchanged;
      totals.stale += mine.stale;
      totals.rejected += mine.rejected;
      totals.completions += mine.completions;
      totals.failures.insert(totals.failures.end(), mine.failures.begin(), mine.failures.end());
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }

  ASSERT_TRUE(totals.failures.empty())
      << totals.failures.size() << " failed requests, first: " << totals.failures.front();
  std::size_t sent = 0;
  for (const auto& records : per_thread) {
    sent += records.size();
  }
  EXPECT_EQ(totals.rejected, 0u);
  // Each call_id is new exactly once, whatever the interleaving.
  EXPECT_EQ(totals.accepted, static_cast<std::int64_t>(call_ids.size()));
  EXPECT_EQ(totals.accepted + totals.updated + totals.unchanged + totals.stale,
            static_cast<std::int64_t>(sent));
  EXPECT_EQ(totals.completions, 1u);

  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "total_calls"), static_cast<std::int64_t>(kPhones));
  EXPECT_EQ(int_field(task, "connected_calls"), static_cast<std::int64_t>(kPhones));
  EXPECT_EQ(int_field(task, "task_type"), 3);
  const auto rows = history(http(), task_id);
  EXPECT_EQ(count_transitions(rows, 2, 3), 1u);
  EXPECT_EQ(count_transitions(rows, 1, 2), 1u);
  EXPECT_EQ(int_field(followup(http(), task_id).data_object(), "total_records"),
            static_cast<std::int64_t>(call_ids.size()));
}

TEST_F(ConcurrencyTest, ConcurrentChecksAndIngestionCompleteOnce) {
  // Checks from other connections race with the ingestion that completes the task.
  const auto phones = make_phones(64);
  const auto task_id = create_task(http(), phones);
  boost::json::array all_but_last;
  for (std::size_t i = 0; i + 1 < phones.size(); ++i) {
    all_but_last.push_back(call_record("cc-" + std::to_string(i), task_id, phones[i], "Connected"));
  }
  push(http(), all_but_last);

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> checkers;
  for (int t = 0; t < 8; ++t) {
    checkers.emplace_back([&, t] {
      try {
        HttpConnection connection(server_.port());
        while (!done.load()) {
          const auto response =
              t % 2 == 0 ? check_task(connection, task_id) : followup(connection, task_id);
          if (response.status != 200) {
            failures.fetch_add(1);
          }
        }
      } catch (const std::exception&) {
        failures.fetch_add(1);
      }
    });
  }
  const auto counts = push(http(), {call_record("cc-last", task_id, phones.back(), "Connected")});
  done.store(true);
  for (auto& checker : checkers) {
    checker.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
  const auto rows = history(http(), task_id);
  ASSERT_EQ(count_transitions(rows, 2, 3), 1u);
  // Whoever made the transition wrote its reason; the ingestion lists the task only when it
  // was the one (a check may win the race between the commit and the ingestion's own check).
  const auto completion =
      std::find_if(rows.begin(), rows.end(), [](const HistoryRow& row) { return row.to == 3; });
  const bool ingestion_completed = completion->reason == "records_ingested";
  EXPECT_TRUE(ingestion_completed || completion->reason == "manual_check" ||
              completion->reason == "followup_query")
      << completion->reason;
  EXPECT_EQ(counts.completed_tasks,
            ingestion_completed ? std::vector<std::int64_t>{task_id} : std::vector<std::int64_t>{});
}

}  // namespace
}  // namespace dialtrack::test
