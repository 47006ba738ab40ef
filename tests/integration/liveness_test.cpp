// Liveness, readiness and shutdown while the database does not answer, on SQLite: the test
// holds the write lock of the service's file from a connection of its own (BEGIN IMMEDIATE),
// so every write of the service waits for it (up to SQLite's busy timeout) and occupies a
// worker meanwhile. /healthz must still answer within 1 s (it runs on the I/O thread, without
// the workers or the database), /readyz within its 1 s wait, and SIGTERM must end the process
// within its grace with every request in flight answered (503), never cut. Before: /healthz
// queued behind the stuck workers, and SIGTERM cut the requests and then waited for them.
// liveness_pgtest.cpp does the same with a PostgreSQL server stopped by SIGSTOP.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <iostream>

#include "liveness_bounds.hpp"
#include "requests_in_flight.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using namespace liveness;  // NOLINT(google-build-using-namespace)
constexpr milliseconds kGrace{2'000};

/// SQLite's write lock on a database file, held from a connection of the test's own until
/// destroyed: every writer of the service waits for it.
class WriteLock {
 public:
  explicit WriteLock(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK ||
        sqlite3_exec(db_, "PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE", nullptr, nullptr,
                     nullptr) != SQLITE_OK) {
      const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot take the write lock of " + path + ": " + reason);
    }
  }
  ~WriteLock() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  sqlite3* db_ = nullptr;
};

ServerOptions stuck_options() {
  ServerOptions options;
  // Two workers: four pushes occupy both and queue two more behind them.
  options.env = {{"DIALTRACK_HTTP_WORKER_THREADS", "2"},
                 {"DIALTRACK_SERVER_SHUTDOWN_GRACE_MS", std::to_string(kGrace.count())}};
  return options;
}

TEST(LivenessTest, HealthzAndReadyzAnswerWhileEveryWorkerWaitsForTheWriteLock) {
  if (on_postgresql()) {
    GTEST_SKIP() << "holds SQLite's write lock; liveness_pgtest.cpp stops a PostgreSQL server";
  }
  ServerProcess server(stuck_options());
  server.start();
  const auto phones = make_phones(4);
  HttpConnection http(server.port());
  const auto task_id = create_task(http, phones, "liveness");

  milliseconds slowest_health{0};
  std::size_t probes = 0;
  milliseconds readiness_took{0};
  std::optional<Response> readiness;
  std::optional<RequestsInFlight> pushes;
  {
    const WriteLock lock(server.db());
    pushes.emplace(server.port(), task_id, phones, 4);
    // Probes (200, or for two seconds at most, well within the 5 s the pushes wait for the
    // lock): every one must answer within the liveness bound.
    const auto window = SteadyClock::now();
    while (since(window) < milliseconds(2'000) && probes < 200) {
      const auto sent = SteadyClock::now();
      const auto health = http.get("/healthz");
      slowest_health = std::max(slowest_health, since(sent));
      ++probes;
      ASSERT_EQ(health.status, 200u) << health.describe();
      ASSERT_EQ(string_field(health.data_object(), "db"), "sqlite");
    }
    const auto sent = SteadyClock::now();
    readiness = http.get("/readyz");
    readiness_took = since(sent);
    // All of it happened while every push still waited for the lock, holding both workers.
    EXPECT_EQ(pushes->finished(), 0u);
  }
  const auto& answers = pushes->answers();
  std::cout << probes << " /healthz while both workers waited for the write lock: the slowest "
            << slowest_health.count() << " ms; /readyz " << readiness->status << " after "
            << readiness_took.count() << " ms\n";
  EXPECT_LT(slowest_health, scaled(kLiveness));
  EXPECT_LT(readiness_took, scaled(kReadinessBound));
  // Only writes wait for the lock: SQLite's readers still answer, so the service is ready.
  EXPECT_EQ(readiness->status, 200u) << readiness->describe();
  for (std::size_t i = 0; i < answers.size(); ++i) {
    ASSERT_TRUE(answers[i]) << "push " << i << ": " << pushes->errors()[i];
    EXPECT_TRUE(answers[i]->status == 200 || is_error(*answers[i], 503)) << answers[i]->describe();
  }
}

TEST(LivenessTest, SigtermExitsWithinTheGraceAndAnswersEveryRequestInFlight) {
  if (on_postgresql()) {
    GTEST_SKIP() << "holds SQLite's write lock; liveness_pgtest.cpp stops a PostgreSQL server";
  }
  ServerProcess server(stuck_options());
  server.start();
  const auto phones = make_phones(6);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "shutdown while stuck");
  }

  int exit_code = -1;
  milliseconds took{0};
  std::optional<RequestsInFlight> pushes;
  {
    // Held until the process is gone: nothing can be written meanwhile.
    const WriteLock lock(server.db());
    pushes.emplace(server.port(), task_id, phones, 6);
    const auto signalled = SteadyClock::now();
    server.send_signal(SIGTERM);
    exit_code = server.wait();
    took = since(signalled);
  }
  const auto& answers = pushes->answers();
  std::size_t unavailable = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    EXPECT_TRUE(answers[i]) << "push " << i
                            << " was cut without an answer: " << pushes->errors()[i];
    if (answers[i]) {
      EXPECT_TRUE(is_error(*answers[i], 503)) << answers[i]->describe();
      EXPECT_EQ(answers[i]->header("Retry-After").value_or(""), "1");
      unavailable += answers[i]->status == 503 ? 1 : 0;
    }
  }
  std::cout << "SIGTERM with 6 pushes waiting for the write lock: exit " << exit_code << " after "
            << took.count() << " ms (grace " << kGrace.count() << " ms); " << unavailable
            << " of 6 answered 503\n";
  EXPECT_EQ(exit_code, 0);
  EXPECT_LT(took, scaled(kGrace + kExitMargin));
  EXPECT_NE(server.log().find("shutdown grace of 2000 ms is over"), std::string::npos)
      << server.log();

  // A 503 kept nothing.
  server.restart();
  HttpConnection http(server.port());
  EXPECT_EQ(int_field(followup(http, task_id).data_object(), "total_records"), 0);
}

TEST(ReadyzTest, ReportsTheBackendWhenTheDatabaseAnswers) {
  ServerProcess server;
  server.start();
  HttpConnection http(server.port());
  const auto ready = http.get("/readyz");
  ASSERT_EQ(ready.status, 200u) << ready.describe();
  EXPECT_TRUE(is_envelope(ready));
  EXPECT_EQ(string_field(ready.data_object(), "db"), backend_name());
  EXPECT_TRUE(is_error(http.request("POST", "/readyz"), 405));
}

}  // namespace
}  // namespace dialtrack::test
