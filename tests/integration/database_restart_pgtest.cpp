// A restart of PostgreSQL between requests, with the instance's pool full of connections that
// the old server closed. The promise (SPEC §8): a restart costs at most one failed request per
// instance; before, each stale pooled connection failed one request with a 503.
#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <thread>

#include "pg_fixture.hpp"
#include "support/pg_cluster.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

constexpr int kPoolSize = 4;
/// Sequential requests after the restart: enough to meet every pooled connection twice.
constexpr int kRequestsAfterRestart = 3 * kPoolSize;

/// The instance's open sessions on the server (its pool; the test's own carry no name).
int dialtrack_sessions(const std::string& url) {
  return std::stoi(pg_fixture::query_value(
      url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dialtrack'"));
}

boost::json::array one_record(const std::string& call_id, std::int64_t task_id,
                              const std::string& phone) {
  boost::json::array batch;
  batch.push_back(call_record(call_id, task_id, phone, "NoAnswer"));
  return batch;
}

TEST(DatabaseRestartPgTest, ARestartCostsAtMostOneFailedRequestWhateverThePoolHeld) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "restarts a PostgreSQL server; SQLite has none";
  }
  TempDir cluster_dir("dialtrack-pg-restart");
  PgCluster cluster(cluster_dir.path());
  ServerOptions options;
  options.db = cluster.url();
  // Only requests use the pool here: no webhook delivery and no sweep to meet a stale
  // connection before them.
  options.env = {{"DIALTRACK_DATABASE_POOL_SIZE", std::to_string(kPoolSize)},
                 {"DIALTRACK_WEBHOOKS_THREADS", "0"},
                 {"DIALTRACK_SWEEP_INTERVAL_MS", "0"}};
  ServerProcess server(options);
  server.start();
  const auto phones = make_phones(100);
  HttpConnection http(server.port());
  const auto task_id = create_task(http, phones, "restart");

  // Fill the pool: rounds of concurrent pushes until the instance holds all its connections.
  std::set<std::string> acknowledged;
  std::mutex acknowledged_mutex;
  const auto deadline = std::chrono::steady_clock::now() + scaled(std::chrono::seconds(60));
  int round = 0;
  while (dialtrack_sessions(cluster.url()) < kPoolSize) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "the pool never held " << kPoolSize << " connections";
    std::vector<std::jthread> pushers;
    pushers.reserve(kPoolSize);
    for (int p = 0; p < kPoolSize; ++p) {
      pushers.emplace_back([&, p, round] {
        HttpConnection own(server.port());
        const auto id = "warm-" + std::to_string(round) + "-" + std::to_string(p);
        const auto response = push_records(own, one_record(id, task_id, phones[p]));
        if (response.status == 200) {
          const std::lock_guard lock(acknowledged_mutex);
          acknowledged.insert(id);
        }
      });
    }
    pushers.clear();  // joins
    ++round;
  }

  cluster.restart();

  int failed = 0;
  for (int i = 0; i < kRequestsAfterRestart; ++i) {
    const auto id = "after-" + std::to_string(i);
    const auto response = push_records(http, one_record(id, task_id, phones[i]));
    if (response.status == 200) {
      acknowledged.insert(id);
      continue;
    }
    ASSERT_TRUE(is_error(response, 503)) << response.describe();
    ++failed;
  }
  std::cout << failed << " of " << kRequestsAfterRestart
            << " sequential pushes failed after the restart, with " << kPoolSize
            << " pooled connections open before it\n";
  EXPECT_LE(failed, 1);

  const auto records = all_records(http, task_id);
  for (const auto& id : acknowledged) {
    EXPECT_TRUE(records.contains(id)) << "acknowledged record " << id << " is gone";
  }
  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace dialtrack::test
