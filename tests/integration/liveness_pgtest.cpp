// Liveness, readiness and shutdown while PostgreSQL does not answer: every process of the
// server is stopped with SIGSTOP (connections stay open, nothing answers). The query deadline
// is set far beyond the test (60 s) so that what is measured is the HTTP side alone: /healthz
// answers within 1 s without the workers or the database, /readyz answers 503 within its 1 s
// wait, and SIGTERM ends the process within its grace with every request in flight answered
// 503, never cut. Before: /healthz took as long as the database was stopped (40 s measured),
// and SIGTERM did not exit within 15 s and then cut the requests.
#include <gtest/gtest.h>

#include <csignal>
#include <iostream>

#include "liveness_bounds.hpp"
#include "requests_in_flight.hpp"
#include "support/pg_cluster.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

using namespace liveness;  // NOLINT(google-build-using-namespace)
/// The shutdown grace this test gives the server (liveness_test.cpp gives 2 s).
constexpr milliseconds kGraceWithPushes{3'000};
constexpr std::size_t kPushes = 6;

TEST(LivenessPgTest, WithPostgresqlStoppedHealthzAnswersReadyzIs503AndSigtermExitsInTime) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "stops a PostgreSQL server; liveness_test.cpp holds SQLite's write lock";
  }
  TempDir cluster_dir("dialtrack-pg-liveness");
  PgCluster cluster(cluster_dir.path());
  ServerOptions options;
  options.db = cluster.url();
  options.env = {{"DIALTRACK_HTTP_WORKER_THREADS", "2"},
                 {"DIALTRACK_DATABASE_QUERY_TIMEOUT_MS", "60000"},
                 {"DIALTRACK_SERVER_SHUTDOWN_GRACE_MS", std::to_string(kGraceWithPushes.count())}};
  ServerProcess server(options);
  server.start();
  const auto phones = make_phones(kPushes);
  HttpConnection http(server.port());
  const auto task_id = create_task(http, phones, "liveness on postgresql");
  ASSERT_EQ(http.get("/readyz").status, 200u);

  milliseconds health_took{0};
  milliseconds readiness_took{0};
  std::optional<Response> health;
  std::optional<Response> readiness;
  int exit_code = -1;
  milliseconds exit_took{0};
  std::size_t stopped = 0;
  std::optional<RequestsInFlight> pushes;
  {
    const auto frozen = cluster.freeze();
    stopped = frozen->processes();
    pushes.emplace(server.port(), task_id, phones, kPushes);
    auto sent = SteadyClock::now();
    health = http.get("/healthz");
    health_took = since(sent);
    sent = SteadyClock::now();
    readiness = http.get("/readyz");
    readiness_took = since(sent);
    sent = SteadyClock::now();
    server.send_signal(SIGTERM);
    exit_code = server.wait();
    exit_took = since(sent);
  }  // SIGCONT
  const auto& answers = pushes->answers();
  std::size_t unavailable = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    EXPECT_TRUE(answers[i]) << "push " << i
                            << " was cut without an answer: " << pushes->errors()[i];
    if (answers[i]) {
      EXPECT_TRUE(is_error(*answers[i], 503)) << answers[i]->describe();
      unavailable += answers[i]->status == 503 ? 1 : 0;
    }
  }
  std::cout << "PostgreSQL stopped (" << stopped << " processes): /healthz " << health->status
            << " in " << health_took.count() << " ms, /readyz " << readiness->status << " in "
            << readiness_took.count() << " ms; SIGTERM with " << kPushes
            << " pushes in flight: exit " << exit_code << " after " << exit_took.count()
            << " ms (grace " << kGraceWithPushes.count() << " ms), " << unavailable
            << " answered 503\n";
  EXPECT_EQ(health->status, 200u) << health->describe();
  EXPECT_LT(health_took, scaled(kLiveness));
  EXPECT_TRUE(is_error(*readiness, 503)) << readiness->describe();
  EXPECT_LT(readiness_took, scaled(kReadinessBound));
  EXPECT_EQ(exit_code, 0);
  EXPECT_LT(exit_took, scaled(kGraceWithPushes + kExitMargin));

  // Running again, the database kept nothing of the pushes answered 503.
  server.restart();
  HttpConnection after(server.port());
  EXPECT_EQ(after.get("/readyz").status, 200u);
  EXPECT_EQ(int_field(followup(after, task_id).data_object(), "total_records"), 0);
}

}  // namespace
}  // namespace dialtrack::test
