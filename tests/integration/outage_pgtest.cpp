// PostgreSQL restarts while dialers push records. The service answers every request with a
// 2xx or a 503 envelope (never a 500, never a hang, never a crash), loses nothing it
// acknowledged, and answers 2xx again once the database is back, without being restarted.
// The test restarts a cluster of its own: the shared one of the ctest fixture serves other
// tests at the same time.
#include <gtest/gtest.h>

#include <array>
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <thread>

#include "support/pg_cluster.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

constexpr std::size_t kClients = 4;
constexpr std::size_t kPhones = 5000;
constexpr std::size_t kBatch = 10;
/// Batches acknowledged before the restart, so the outage hits a service in full swing.
constexpr std::size_t kBatchesBeforeRestart = 20;
/// Batches each client gets acknowledged after the restart, to call the service recovered.
constexpr std::size_t kBatchesAfterRestart = 5;

enum class Phase { kBefore, kRestarting, kAfter };

/// What the clients saw, shared with the test's main thread.
struct Observations {
  std::mutex mutex;
  std::condition_variable changed;
  Phase phase = Phase::kBefore;
  std::set<std::string> acknowledged;        ///< call ids of records answered 2xx
  std::map<std::string, std::string> phone;  ///< call id -> phone, of every record sent
  std::size_t batches_acknowledged = 0;
  std::array<std::size_t, kClients> acknowledged_after_restart{};
  std::array<bool, kClients> finished{};
  std::size_t answers_while_restarting = 0;
  std::size_t unavailable = 0;  ///< 503 answers
  std::vector<std::string> failures;
};

/// One dialer connection sending new records until asked to stop. A 503 leaves its batch
/// unacknowledged (a real dialer would retry it); anything but 2xx or 503 is a failure.
void run_client(std::stop_token stop, std::size_t client, std::uint16_t port, std::int64_t task_id,
                const std::vector<std::string>& phones, Observations& seen) {
  const auto deadline = scaled(std::chrono::seconds(60));
  std::optional<HttpConnection> http;
  for (std::size_t seq = 0; !stop.stop_requested(); ++seq) {
    boost::json::array batch;
    std::vector<std::pair<std::string, std::string>> sent;
    for (std::size_t i = 0; i < kBatch; ++i) {
      const std::string id =
          "out-" + std::to_string(client) + "-" + std::to_string(seq) + "-" + std::to_string(i);
      const auto& phone = phones[(client * 1237 + seq * kBatch + i) % phones.size()];
      batch.push_back(
          call_record(id, task_id, phone, (seq + i) % 3 == 0 ? "Connected" : "NoAnswer"));
      sent.emplace_back(id, phone);
    }
    Phase sent_in = Phase::kBefore;
    {
      std::lock_guard lock(seen.mutex);
      sent_in = seen.phase;
      seen.phone.insert(sent.begin(), sent.end());
    }
    Response response;
    try {
      if (!http) {
        http.emplace(port, deadline);
      }
      response = push_records(*http, std::move(batch));
    } catch (const std::exception& error) {
      std::lock_guard lock(seen.mutex);
      seen.failures.push_back(
          "client " + std::to_string(client) +
          ": no answer (hang past the deadline, or connection cut): " + error.what());
      break;
    }
    std::lock_guard lock(seen.mutex);
    if (sent_in == Phase::kRestarting || seen.phase == Phase::kRestarting) {
      ++seen.answers_while_restarting;
    }
    if (response.status == 200 && is_envelope(response) &&
        response.data_object().at("rejected").as_array().empty()) {
      for (const auto& [id, phone] : sent) {
        seen.acknowledged.insert(id);
      }
      ++seen.batches_acknowledged;
      if (sent_in == Phase::kAfter) {
        ++seen.acknowledged_after_restart[client];
      }
    } else if (response.status == 503 && is_error(response, 503)) {
      ++seen.unavailable;
    } else {
      seen.failures.push_back("client " + std::to_string(client) + ": " + response.describe());
      break;
    }
    seen.changed.notify_all();
    if (!response.keep_alive) {
      http.reset();
    }
  }
  std::lock_guard lock(seen.mutex);
  seen.finished[client] = true;
  seen.changed.notify_all();
}

TEST(OutagePgTest, RestartOfPostgresqlUnderLoadLosesNothingAcknowledgedAndTheServiceRecovers) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "restarts a PostgreSQL server; SQLite has none";
  }
  TempDir cluster_dir("dialtrack-pg-outage");
  PgCluster cluster(cluster_dir.path());
  ServerOptions options;
  options.db = cluster.url();
  ServerProcess server(options);
  server.start();
  const auto phones = make_phones(kPhones);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "outage");
  }

  Observations seen;
  const auto all_recovered = [&] {
    for (std::size_t c = 0; c < kClients; ++c) {
      if (!seen.finished[c] && seen.acknowledged_after_restart[c] < kBatchesAfterRestart) {
        return false;
      }
    }
    return true;
  };
  bool restarted = false;
  std::string restart_error;
  {
    // Joined (after a stop request) when this block ends, also when an assertion returns.
    std::vector<std::jthread> clients;
    for (std::size_t c = 0; c < kClients; ++c) {
      clients.emplace_back(run_client, c, server.port(), task_id, std::cref(phones),
                           std::ref(seen));
    }
    std::unique_lock lock(seen.mutex);
    const bool busy = seen.changed.wait_for(lock, scaled(std::chrono::seconds(60)), [&] {
      return seen.batches_acknowledged >= kBatchesBeforeRestart || !seen.failures.empty();
    });
    if (busy && seen.failures.empty()) {
      seen.phase = Phase::kRestarting;
      lock.unlock();
      try {
        cluster.restart();
        restarted = true;
      } catch (const std::exception& error) {
        restart_error = error.what();
      }
      lock.lock();
      seen.phase = Phase::kAfter;
      // The service must find its way back by itself; the clients keep sending meanwhile.
      seen.changed.wait_for(lock, scaled(std::chrono::seconds(90)), all_recovered);
    }
    lock.unlock();
    for (auto& client : clients) {
      client.request_stop();
    }
  }

  ASSERT_TRUE(seen.failures.empty())
      << seen.failures.size() << " failures, first: " << seen.failures.front();
  ASSERT_GE(seen.batches_acknowledged, kBatchesBeforeRestart) << "the service never got busy";
  ASSERT_TRUE(restarted) << restart_error;
  std::cout << seen.answers_while_restarting << " answers while PostgreSQL restarted, "
            << seen.unavailable << " of all answers were 503\n";
  EXPECT_GT(seen.answers_while_restarting, 0u) << "no request met the outage";
  for (std::size_t c = 0; c < kClients; ++c) {
    EXPECT_GE(seen.acknowledged_after_restart[c], kBatchesAfterRestart)
        << "client " << c << " got no 2xx answers after the restart";
  }

  HttpConnection http(server.port());
  const auto records = all_records(http, task_id);
  std::vector<std::string> lost;
  for (const auto& id : seen.acknowledged) {
    if (!records.contains(id)) {
      lost.push_back(id);
    }
  }
  EXPECT_TRUE(lost.empty()) << lost.size() << " acknowledged records are gone, e.g. "
                            << lost.front();
  // The counters agree with the records that are stored, acknowledged or not.
  std::set<std::string> connected_phones;
  for (const auto& [id, status] : records) {
    if (status == "Connected") {
      connected_phones.insert(seen.phone.at(id));
    }
  }
  const auto task = get_task(http, task_id);
  EXPECT_EQ(int_field(task, "total_calls"), static_cast<std::int64_t>(kPhones));
  EXPECT_EQ(int_field(task, "connected_calls"), static_cast<std::int64_t>(connected_phones.size()));
  const auto recount = run_dialtrack({"recount", "--db", cluster.url()});
  EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;
  EXPECT_NE(recount.out.find("1 tasks checked, 0 with drift"), std::string::npos)
      << recount.out << recount.err;

  // Still the same process, and it shuts down cleanly.
  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace dialtrack::test
