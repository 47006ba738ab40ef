// Three instances on one PostgreSQL database, 24 dialer connections spread over them, pushing
// overlapping records for the same few tasks: duplicates, retries on new call ids, one call's
// callbacks through different instances, and late callbacks older than what is stored.
// Afterwards the counters agree with the records (`dialtrack recount`), every acknowledged
// record is there, and each complete task completed exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

constexpr std::size_t kInstances = 3;
constexpr std::size_t kClients = 24;  // a multiple of kInstances: client c uses instance c % 3
constexpr std::size_t kCompleteTasks = 3;
constexpr std::size_t kPhonesPerTask = 300;
constexpr std::size_t kPartialPhones = 120;  // a fourth task; every fourth phone never connects
constexpr std::size_t kBatch = 25;

struct Sent {
  std::int64_t task_id = 0;
  std::string call_id;
};

/// What one client sends: phase one (shuffled), then phase two, which holds callbacks older
/// than ones the same client had acknowledged in phase one: stale whatever the other clients do.
struct ClientPlan {
  std::vector<boost::json::object> first;
  std::vector<boost::json::object> second;
};

struct TaskUnderTest {
  std::int64_t id = 0;
  std::vector<std::string> phones;
  std::size_t connected_phones = 0;
  /// Every call id sent for the task and the status it must end with.
  std::map<std::string, std::string> final_status;
};

struct Outcome {
  std::int64_t accepted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t stale = 0;
  std::size_t rejected = 0;
  std::size_t acknowledged_records = 0;
  std::size_t busy_answers = 0;
  std::chrono::steady_clock::duration slowest{};               ///< the longest wait for one answer
  std::map<std::int64_t, std::size_t> completions;             ///< completed_tasks occurrences
  std::map<std::int64_t, std::set<std::string>> acknowledged;  ///< task -> call ids
  std::vector<std::string> failures;

  void add(const Outcome& other) {
    accepted += other.accepted;
    updated += other.updated;
    unchanged += other.unchanged;
    stale += other.stale;
    rejected += other.rejected;
    acknowledged_records += other.acknowledged_records;
    busy_answers += other.busy_answers;
    slowest = std::max(slowest, other.slowest);
    for (const auto& [task, count] : other.completions) {
      completions[task] += count;
    }
    for (const auto& [task, ids] : other.acknowledged) {
      acknowledged[task].insert(ids.begin(), ids.end());
    }
    failures.insert(failures.end(), other.failures.begin(), other.failures.end());
  }
};

/// Every phone gets a first attempt that fails (NoAnswer, pushed twice by two clients) and a
/// retry on a new call id whose callbacks (Executing, then SucceededFinish, then the same
/// SucceededFinish again) go through three different instances. For every third phone the
/// client that sent SucceededFinish later sends an older NoAnswer for that call: stale. Phones
/// that must stay unconnected get NoAnswer on the retry instead.
std::size_t plan_task(TaskUnderTest& task, std::size_t offset, bool all_connect,
                      std::array<ClientPlan, kClients>& plans) {
  std::size_t late = 0;
  for (std::size_t p = 0; p < task.phones.size(); ++p) {
    const std::size_t slot = offset + p;
    const auto& phone = task.phones[p];
    const std::string suffix = std::to_string(task.id) + "-" + std::to_string(p);
    const std::string first = "mi-a-" + suffix;
    const std::string retry = "mi-b-" + suffix;
    const bool connects = all_connect || p % 4 != 3;
    const auto final_status = connects ? "SucceededFinish" : "NoAnswer";
    task.final_status[first] = "NoAnswer";
    task.final_status[retry] = final_status;
    auto send = [&](std::size_t client, boost::json::object record, bool later = false) {
      auto& plan = plans[client % kClients];
      (later ? plan.second : plan.first).push_back(std::move(record));
    };
    send(slot, call_record_at(first, task.id, phone, "NoAnswer", 0));
    send(slot + 1, call_record_at(first, task.id, phone, "NoAnswer", 0));
    send(slot + 2, call_record_at(retry, task.id, phone, "Executing", 10));
    send(slot + 3, call_record_at(retry, task.id, phone, final_status, 20));
    send(slot + 4, call_record_at(retry, task.id, phone, final_status, 20));
    if (p % 3 == 0) {
      send(slot + 3, call_record_at(retry, task.id, phone, "NoAnswer", 15), true);
      ++late;
    }
    task.connected_phones += connects ? 1 : 0;
  }
  return late;
}

/// Pushes `records` in batches over one keep-alive connection to `port`, retrying a batch
/// answered 503. A batch answered otherwise, or not within the deadline, is a failure; the
/// client then goes on with the next batch on a new connection.
void push_all(std::uint16_t port, const std::vector<boost::json::object>& records,
              Outcome& outcome) {
  const boost::json::array all(records.begin(), records.end());
  auto pushed = push_in_parts(
      port, all, kBatch, [&outcome](const boost::json::array& batch, const Response& response) {
        const auto counts = ingest_counts(response);
        outcome.accepted += counts.accepted;
        outcome.updated += counts.updated;
        outcome.unchanged += counts.unchanged;
        outcome.stale += counts.stale;
        outcome.rejected += counts.rejected;
        for (const auto task : counts.completed_tasks) {
          ++outcome.completions[task];
        }
        std::set<std::size_t> rejected;
        for (const auto& item : response.data_object().at("rejected").as_array()) {
          rejected.insert(static_cast<std::size_t>(int_field(item.as_object(), "index")));
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (!rejected.contains(i)) {
            const auto& record = batch[i].as_object();
            outcome.acknowledged[int_field(record, "task_id")].emplace(
                record.at("call_id").as_string());
            ++outcome.acknowledged_records;
          }
        }
      });
  outcome.busy_answers += pushed.busy_answers;
  outcome.slowest = std::max(outcome.slowest, pushed.slowest);
  for (auto& failure : pushed.failures) {
    outcome.failures.push_back(std::move(failure));
  }
}

TEST(MultiInstancePgTest, InstancesStartedTogetherOnAFreshDatabaseAllStart) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "several instances on one database is the PostgreSQL deployment";
  }
  // The migrations take turns under an advisory lock (docs/scaling.md); each instance then
  // sees the finished schema.
  const TestDatabase shared;
  ServerOptions options;
  options.db = shared.url();
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (std::size_t i = 0; i < kInstances; ++i) {
    servers.push_back(std::make_unique<ServerProcess>(options));
  }
  for (auto& server : servers) {
    server->launch();
  }
  std::vector<std::string> errors;
  for (auto& server : servers) {
    try {
      server->wait_until_ready();
    } catch (const std::exception& error) {
      errors.emplace_back(error.what());
    }
  }
  EXPECT_TRUE(errors.empty()) << errors.size() << " of " << kInstances
                              << " instances did not start; first: " << errors.front();
  for (const auto& server : servers) {
    if (server->running()) {
      HttpConnection http(server->port());
      EXPECT_EQ(string_field(http.get("/healthz").data_object(), "db"), "postgresql");
      create_task(http, make_phones(1));
    }
  }
}

TEST(MultiInstancePgTest, ThreeInstancesAndTwentyFourClientsKeepExactCountersAndCompleteOnce) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "several instances on one database is the PostgreSQL deployment";
  }
  const TestDatabase shared;
  ServerOptions options;
  options.db = shared.url();
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (std::size_t i = 0; i < kInstances; ++i) {
    // One after the other: starting together is the test above.
    servers.push_back(std::make_unique<ServerProcess>(options));
    servers.back()->start();
  }

  HttpConnection admin(servers[0]->port());
  std::vector<TaskUnderTest> tasks(kCompleteTasks + 1);
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    // The same phones in every task: the tasks overlap in phone numbers, not in call ids.
    tasks[k].phones = make_phones(k < kCompleteTasks ? kPhonesPerTask : kPartialPhones);
    tasks[k].id = create_task(admin, tasks[k].phones, "multi-instance " + std::to_string(k));
  }
  std::array<ClientPlan, kClients> plans;
  std::size_t late_callbacks = 0;
  std::size_t offset = 0;
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    late_callbacks += plan_task(tasks[k], offset, k < kCompleteTasks, plans);
    offset += tasks[k].phones.size();
  }

  Outcome total;
  std::mutex total_mutex;
  std::latch start_together(static_cast<std::ptrdiff_t>(kClients));
  std::vector<std::thread> clients;
  for (std::size_t c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      Outcome mine;
      const auto port = servers[c % kInstances]->port();
      auto& plan = plans[c];
      std::mt19937 rng(static_cast<unsigned>(c) + 1);
      std::shuffle(plan.first.begin(), plan.first.end(), rng);
      start_together.arrive_and_wait();
      try {
        push_all(port, plan.first, mine);
        push_all(port, plan.second, mine);
      } catch (const std::exception& error) {
        mine.failures.emplace_back(error.what());
      }
      std::lock_guard lock(total_mutex);
      total.add(mine);
    });
  }
  for (auto& client : clients) {
    client.join();
  }

  std::cout << "slowest answer: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(total.slowest).count()
            << " ms\n";
  // The connection used to create the tasks may have been closed as idle meanwhile.
  admin = HttpConnection(servers[1]->port());

  // Every answer is a 200 (a 503 is retried). A request answered otherwise is a finding; the
  // checks below still run, on what was acknowledged.
  EXPECT_TRUE(total.failures.empty())
      << total.failures.size() << " requests failed, first: " << total.failures.front();
  std::size_t sent = 0;
  std::size_t distinct = 0;
  for (const auto& plan : plans) {
    sent += plan.first.size() + plan.second.size();
  }
  for (const auto& task : tasks) {
    distinct += task.final_status.size();
  }
  const bool all_acknowledged = total.acknowledged_records == sent;
  EXPECT_EQ(total.rejected, 0u);
  EXPECT_EQ(total.accepted + total.updated + total.unchanged + total.stale,
            static_cast<std::int64_t>(total.acknowledged_records));
  if (all_acknowledged && total.busy_answers == 0) {
    // Each call id is new exactly once over all instances, whatever the interleaving. (A batch
    // answered 503 may have been committed before it failed; its retry then counts no news.)
    EXPECT_EQ(total.accepted, static_cast<std::int64_t>(distinct));
  } else {
    EXPECT_LE(total.accepted, static_cast<std::int64_t>(distinct));
    std::cout << total.busy_answers << " answers were 503 (retried), "
              << sent - total.acknowledged_records << " of " << sent
              << " records not acknowledged\n";
  }
  if (all_acknowledged) {
    EXPECT_GE(total.stale, static_cast<std::int64_t>(late_callbacks));
  }

  // State and history first: the follow-up query below checks completion itself.
  std::vector<std::int64_t> connected_calls;
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    const auto& task = tasks[k];
    const bool complete = k < kCompleteTasks;
    SCOPED_TRACE("task " + std::to_string(task.id) + (complete ? " (complete)" : " (partial)"));
    const auto stored = get_task(admin, task.id);
    connected_calls.push_back(int_field(stored, "connected_calls"));
    EXPECT_EQ(int_field(stored, "total_calls"), static_cast<std::int64_t>(task.phones.size()));
    const auto rows = history(admin, task.id);
    EXPECT_EQ(count_transitions(rows, 1, 2), 1u);
    EXPECT_LE(count_transitions(rows, 2, 3), 1u) << "completed more than once";
    EXPECT_LE(total.completions[task.id], 1u) << "in completed_tasks of more than one answer";
    if (all_acknowledged) {
      // Every record arrived, so the complete tasks completed while the records were ingested.
      EXPECT_EQ(connected_calls.back(), static_cast<std::int64_t>(task.connected_phones));
      EXPECT_EQ(int_field(stored, "task_type"), complete ? 3 : 2);
      EXPECT_EQ(count_transitions(rows, 2, 3), complete ? 1u : 0u);
      EXPECT_EQ(total.completions[task.id], complete ? 1u : 0u);
    }
  }

  const auto recount = run_dialtrack({"recount", "--db", shared.url()});
  EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;
  EXPECT_NE(recount.out.find(std::to_string(tasks.size()) + " tasks checked, 0 with drift"),
            std::string::npos)
      << recount.out << recount.err;

  for (std::size_t k = 0; k < tasks.size(); ++k) {
    const auto& task = tasks[k];
    SCOPED_TRACE("task " + std::to_string(task.id));
    const auto records = all_records(admin, task.id);
    for (const auto& id : total.acknowledged[task.id]) {
      EXPECT_TRUE(records.contains(id)) << id << " was acknowledged but is not stored";
    }
    std::set<std::string> connected_phones;  // phone index, the call id's last part
    for (const auto& [id, status] : records) {
      const auto expected = task.final_status.find(id);
      ASSERT_NE(expected, task.final_status.end()) << id << " was never sent";
      if (all_acknowledged) {
        // The newest callback wins; a connected retry stays connected, so the late NoAnswer
        // and an Executing that arrives after the final status are ignored.
        EXPECT_EQ(status, expected->second) << id;
      }
      if (status == "SucceededFinish") {
        connected_phones.insert(id.substr(id.rfind('-') + 1));
      }
    }
    // The counter agrees with the records stored, whatever was lost to failed requests.
    EXPECT_EQ(connected_calls[k], static_cast<std::int64_t>(connected_phones.size()));
    const auto shown = followup(admin, task.id).data_object();
    EXPECT_EQ(int_field(shown, "total_records"), static_cast<std::int64_t>(records.size()));
    if (all_acknowledged) {
      EXPECT_EQ(records.size(), task.final_status.size());
    }
  }
}

}  // namespace
}  // namespace dialtrack::test
