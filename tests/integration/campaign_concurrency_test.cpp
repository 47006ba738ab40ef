// Sixteen dialer connections push the records of several `all_settled` tasks at once: leads
// that connect, numbers that turn out dead, and leads that use up their attempts, in every
// order. Each task completes exactly once (one 2 -> 3 row, in exactly one answer's
// completed_tasks), and its counters agree with its leads and records. And a task's policy
// changed while its records arrive leaves every lead in the state its records say under the
// policy in force at the end.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "campaign_steps.hpp"
#include "support/process.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

using namespace campaign_load;  // NOLINT(google-build-using-namespace)

class CampaignConcurrencyTest : public ServerTest {};

TEST_F(CampaignConcurrencyTest, SixteenClientsSettleEachTaskExactlyOnce) {
  const auto race = plan_settling_race(http(), kTasks, kLeadsPerTask, kMaxAttempts, kClients, 7);
  const auto outcome = run_race({server_.port()}, race, kBatch);

  // The connection that created the tasks may have been closed as idle meanwhile.
  HttpConnection admin(server_.port());
  expect_each_task_completed_once(admin, race, outcome);
  const auto recount = run_dialtrack({"recount", "--db", server_.db()});
  EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;
  EXPECT_NE(recount.out.find(std::to_string(kTasks) + " tasks checked, 0 with drift"),
            std::string::npos)
      << recount.out << recount.err;
}

TEST_F(CampaignConcurrencyTest, PolicyChangesWhileRecordsArriveLeaveEveryLeadInItsTrueState) {
  constexpr std::size_t kLeads = 20'000;
  constexpr std::size_t kPushers = 8;
  constexpr std::size_t kPolicyChanges = 12;
  // Each lead gets at most one call: NotExist for even leads, Busy for odd ones. The policy
  // flips between the two as the only final status while calls arrive, and the pushers stop
  // only once the last change is answered: pushes race with every change, the last included,
  // and nothing recounts the task after it.
  const auto phones = make_phones(kLeads);
  const auto id = create_task(http(), phones, "flipping policy");
  const auto status_of = [](std::size_t lead) { return lead % 2 == 0 ? "NotExist" : "Busy"; };

  std::atomic<bool> changes_done{false};
  std::vector<std::set<std::size_t>> pushed(kPushers);  // leads whose call was acknowledged
  std::vector<std::string> failures;
  std::mutex failures_mutex;
  const auto fail = [&](std::string what) {
    const std::lock_guard lock(failures_mutex);
    failures.push_back(std::move(what));
  };
  std::latch start_together(static_cast<std::ptrdiff_t>(kPushers + 1));
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kPushers; ++t) {
    threads.emplace_back([&, t] {
      try {
        HttpConnection connection(server_.port(), scaled(std::chrono::seconds(60)));
        start_together.arrive_and_wait();
        // Pusher t sends the leads t, t + kPushers, ... in batches, until the changes end.
        for (std::size_t first = t; first < kLeads && !changes_done.load();
             first += kPushers * kBatch) {
          boost::json::array batch;
          std::vector<std::size_t> leads;
          for (std::size_t p = first; p < kLeads && leads.size() < kBatch; p += kPushers) {
            batch.push_back(
                call_record_at("flip-" + std::to_string(p), id, phones[p], status_of(p), 0));
            leads.push_back(p);
          }
          const auto response = push_records(connection, batch);
          if (response.status != 200 ||
              ingest_counts(response).accepted != static_cast<std::int64_t>(batch.size())) {
            fail(response.describe());
            continue;
          }
          pushed[t].insert(leads.begin(), leads.end());
        }
      } catch (const std::exception& error) {
        fail(error.what());
      }
    });
  }
  threads.emplace_back([&] {
    try {
      HttpConnection connection(server_.port(), scaled(std::chrono::seconds(60)));
      start_together.arrive_and_wait();
      for (std::size_t change = 0; change < kPolicyChanges; ++change) {
        const auto final_status = change % 2 == 0 ? "Busy" : "NotExist";
        const auto response =
            put_completion(connection, id,
                           completion_policy("all_connected", std::nullopt,
                                             std::vector<std::string>{final_status}));
        if (response.status != 200) {
          fail(response.describe());
        }
      }
    } catch (const std::exception& error) {
      fail(error.what());
    }
    changes_done.store(true);
  });
  for (auto& thread : threads) {
    thread.join();
  }
  ASSERT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();
  std::set<std::size_t> called;
  for (const auto& leads : pushed) {
    called.insert(leads.begin(), leads.end());
  }
  std::cout << called.size() << " leads called while the policy changed " << kPolicyChanges
            << " times\n";
  ASSERT_LT(called.size(), kLeads) << "the pushers ran out of leads before the changes ended";

  // The last change made NotExist the only final status.
  HttpConnection admin(server_.port());
  const auto task = get_task(admin, id);
  EXPECT_EQ(task.at("completion").at("final_statuses"), boost::json::array{"NotExist"});
  const auto leads = all_leads(admin, id).items;
  ASSERT_EQ(leads.size(), kLeads);
  std::int64_t dead = 0;
  std::size_t wrong = 0;
  std::string first_wrong;
  for (std::size_t p = 0; p < kLeads; ++p) {
    const bool is_dead = called.contains(p) && p % 2 == 0;
    dead += is_dead ? 1 : 0;
    const auto expected = is_dead ? "unreachable" : "pending";
    if (string_field(leads[p], "state") != expected && wrong++ == 0) {
      first_wrong = boost::json::serialize(leads[p]) + ", expected " + expected;
    }
  }
  EXPECT_EQ(wrong, 0u) << "leads in the wrong state, first: " << first_wrong;
  EXPECT_EQ(int_field(task, "settled_calls"), dead);
  EXPECT_EQ(all_leads(admin, id, "unreachable").total, dead);
}

}  // namespace
}  // namespace dialtrack::test
