// Several service instances on one database stay correct: the task completes exactly once
// and no record is lost or counted twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <mutex>
#include <thread>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

constexpr std::size_t kPhones = 200;
constexpr std::size_t kThreadsPerInstance = 4;

TEST(MultiInstanceTest, TwoServersOnOneDatabaseCompleteATaskOnce) {
  const TestDatabase shared;
  ServerOptions options;
  options.db = shared.url();
  ServerProcess first(options);
  first.start();
  ServerProcess second(options);
  second.start();

  const auto phones = make_phones(kPhones);
  std::int64_t task_id = 0;
  {
    HttpConnection http(first.port());
    task_id = create_task(http, phones, "two instances");
  }

  // Every phone is pushed through both instances: a NoAnswer through one and a Connected
  // (same call_id, later event) through the other, so both race on every lead.
  const std::size_t threads_total = 2 * kThreadsPerInstance;
  std::vector<boost::json::array> per_thread(threads_total);
  for (std::size_t p = 0; p < kPhones; ++p) {
    const std::string id = "mi-" + std::to_string(p);
    per_thread[p % threads_total].push_back(call_record_at(id, task_id, phones[p], "NoAnswer", 1));
    per_thread[(p + 1) % threads_total].push_back(
        call_record_at(id, task_id, phones[p], "Connected", 2));
  }

  std::mutex mutex;
  std::size_t completions = 0;
  std::int64_t accepted = 0;
  std::vector<std::string> failures;
  std::latch start_together(static_cast<std::ptrdiff_t>(threads_total));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < threads_total; ++t) {
    threads.emplace_back([&, t] {
      try {
        HttpConnection http(t % 2 == 0 ? first.port() : second.port());
        const auto& records = per_thread[t];
        start_together.arrive_and_wait();
        for (std::size_t i = 0; i < records.size(); i += 10) {
          const auto end = std::min(i + 10, records.size());
          boost::json::array batch(records.begin() + static_cast<std::ptrdiff_t>(i),
                                   records.begin() + static_cast<std::ptrdiff_t>(end));
          // 503 means "busy, retry later": the dialer retries the same batch.
          Response response;
          for (int attempt = 0; attempt < 50; ++attempt) {
            response = push_records(http, batch);
            if (response.status != 503) {
              break;
            }
          }
          const auto counts = ingest_counts(response);
          std::lock_guard lock(mutex);
          accepted += counts.accepted;
          completions += static_cast<std::size_t>(
              std::count(counts.completed_tasks.begin(), counts.completed_tasks.end(), task_id));
        }
      } catch (const std::exception& error) {
        std::lock_guard lock(mutex);
        failures.emplace_back(error.what());
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  ASSERT_TRUE(failures.empty()) << failures.front();

  HttpConnection http(second.port());
  const auto task = get_task(http, task_id);
  EXPECT_EQ(int_field(task, "connected_calls"), static_cast<std::int64_t>(kPhones));
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(count_transitions(history(http, task_id), 2, 3), 1u);
  EXPECT_EQ(count_transitions(history(http, task_id), 1, 2), 1u);
  EXPECT_EQ(completions, 1u);
  EXPECT_EQ(accepted, static_cast<std::int64_t>(kPhones));
  EXPECT_EQ(int_field(followup(http, task_id).data_object(), "total_records"),
            static_cast<std::int64_t>(kPhones));
}

}  // namespace
}  // namespace dialtrack::test
