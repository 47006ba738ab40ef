// The settling race of campaign_concurrency_test.cpp through three instances on one PostgreSQL
// database: sixteen clients spread over them, the records of one lead through several
// instances at once. Each `all_settled` task still completes exactly once, and the counters
// agree with the records (`dialtrack recount`).
#include <gtest/gtest.h>

#include <memory>

#include "campaign_steps.hpp"
#include "support/process.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

using namespace campaign_load;         // NOLINT(google-build-using-namespace)
constexpr std::size_t kInstances = 3;  // client c talks to instance c % kInstances

TEST(CampaignMultiInstancePgTest, ThreeInstancesSettleEachTaskExactlyOnce) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "several instances on one database is the PostgreSQL deployment";
  }
  const TestDatabase shared;
  ServerOptions options;
  options.db = shared.url();
  std::vector<std::unique_ptr<ServerProcess>> servers;
  std::vector<std::uint16_t> ports;
  for (std::size_t i = 0; i < kInstances; ++i) {
    servers.push_back(std::make_unique<ServerProcess>(options));
    servers.back()->start();
    ports.push_back(servers.back()->port());
  }

  SettlingRace race;
  {
    HttpConnection http(ports[0]);
    race = plan_settling_race(http, kTasks, kLeadsPerTask, kMaxAttempts, kClients, 11);
  }
  const auto outcome = run_race(ports, race, kBatch);

  HttpConnection admin(ports[1]);
  expect_each_task_completed_once(admin, race, outcome);
  const auto recount = run_dialtrack({"recount", "--db", shared.url()});
  EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;
  EXPECT_NE(recount.out.find(std::to_string(kTasks) + " tasks checked, 0 with drift"),
            std::string::npos)
      << recount.out << recount.err;
}

}  // namespace
}  // namespace dialtrack::test
