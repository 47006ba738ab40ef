// A PostgreSQL server that stops answering while dialers push records: every process of it is
// stopped with SIGSTOP (a frozen virtual machine, a stuck disk), so connections stay open,
// connects are accepted by the kernel and nothing answers. Each push must get a 503 envelope
// within the query deadline (database.query_timeout_ms) instead of hanging, nothing
// acknowledged may be lost, and once the server runs again the same process answers 2xx again.
// Before the client-side deadline, every request hung for as long as the server was stopped.
#include <gtest/gtest.h>

#include <array>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <thread>

#include "support/pg_cluster.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kQueryTimeout{1'000};
/// What an answer may take beyond the deadline on a loaded machine: the liveness promise is
/// "a 503 at the deadline", not a measure of speed.
constexpr milliseconds kAnswerMargin{2'000};
constexpr std::size_t kPushers = 4;
constexpr std::size_t kRecordsPerPush = 5;
constexpr std::size_t kBatchesBeforeFreeze = 12;
/// Answers each pusher gets while the server is stopped: the freeze outlasts two deadlines.
constexpr std::size_t kAnswersWhileFrozen = 2;
constexpr std::size_t kBatchesAfterThaw = 3;

enum class FreezePhase { kBefore, kFrozen, kThawed };

/// What the pushers saw, shared with the test's main thread.
struct FreezeObservations {
  std::mutex mutex;
  std::condition_variable changed;
  FreezePhase phase = FreezePhase::kBefore;
  std::set<std::string> acknowledged;  ///< call ids of records answered 2xx
  std::size_t batches_acknowledged = 0;
  std::array<std::size_t, kPushers> answered_while_frozen{};
  std::array<std::size_t, kPushers> acknowledged_after_thaw{};
  milliseconds slowest_while_frozen{0};
  milliseconds slowest{0};  ///< of every push, before, during and after the stop
  SteadyClock::time_point thawed_at;
  std::optional<milliseconds> first_acknowledged_after_thaw;  ///< from the SIGCONT
  std::size_t unavailable = 0;                                ///< 503 answers
  std::vector<std::string> failures;
};

/// One dialer connection pushing new records until asked to stop. A 503 leaves its batch
/// unacknowledged (a dialer retries it); anything but 2xx or 503 is a failure, and so is a 2xx
/// for a push sent and answered while the server was stopped (nothing can have been stored).
void push_until_stopped(const std::stop_token& stop, std::size_t pusher, std::uint16_t port,
                        std::int64_t task_id, const std::vector<std::string>& phones,
                        FreezeObservations& seen) {
  // The client's own deadline is far beyond the server's: a hang shows as a slow answer.
  HttpConnection http(port, scaled(std::chrono::seconds(60)));
  for (std::size_t seq = 0; !stop.stop_requested(); ++seq) {
    boost::json::array batch;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < kRecordsPerPush; ++i) {
      ids.push_back("stuck-" + std::to_string(pusher) + "-" + std::to_string(seq) + "-" +
                    std::to_string(i));
      const auto& phone = phones[(pusher * 31 + seq * kRecordsPerPush + i) % phones.size()];
      batch.push_back(call_record(ids.back(), task_id, phone, i == 0 ? "Connected" : "NoAnswer"));
    }
    FreezePhase sent_in = FreezePhase::kBefore;
    {
      const std::lock_guard lock(seen.mutex);
      sent_in = seen.phase;
    }
    const auto sent_at = SteadyClock::now();
    Response response;
    try {
      response = push_records(http, std::move(batch));
    } catch (const std::exception& error) {
      const std::lock_guard lock(seen.mutex);
      seen.failures.push_back(
          "pusher " + std::to_string(pusher) +
          ": no answer (hang past the client deadline, or connection cut): " + error.what());
      break;
    }
    const auto took = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - sent_at);
    const std::lock_guard lock(seen.mutex);
    seen.slowest = std::max(seen.slowest, took);
    const bool frozen_throughout =
        sent_in == FreezePhase::kFrozen && seen.phase == FreezePhase::kFrozen;
    if (response.status == 200 && is_envelope(response) &&
        response.data_object().at("rejected").as_array().empty()) {
      if (frozen_throughout) {
        seen.failures.push_back("pusher " + std::to_string(pusher) +
                                ": a 2xx while the database was stopped: " + response.describe());
        break;
      }
      seen.acknowledged.insert(ids.begin(), ids.end());
      ++seen.batches_acknowledged;
      if (sent_in == FreezePhase::kThawed) {
        ++seen.acknowledged_after_thaw[pusher];
        if (!seen.first_acknowledged_after_thaw) {
          seen.first_acknowledged_after_thaw =
              std::chrono::duration_cast<milliseconds>(SteadyClock::now() - seen.thawed_at);
        }
      }
    } else if (response.status == 503 && is_error(response, 503)) {
      ++seen.unavailable;
    } else {
      seen.failures.push_back("pusher " + std::to_string(pusher) + ": " + response.describe());
      break;
    }
    if (frozen_throughout) {
      ++seen.answered_while_frozen[pusher];
      seen.slowest_while_frozen = std::max(seen.slowest_while_frozen, took);
    }
    seen.changed.notify_all();
  }
  seen.changed.notify_all();
}

TEST(StuckDatabasePgTest, PushesGet503WithinTheQueryDeadlineAndRecoverWhenTheServerRunsAgain) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "stops a PostgreSQL server; SQLite has none";
  }
  TempDir cluster_dir("dialtrack-pg-stuck");
  PgCluster cluster(cluster_dir.path());
  ServerOptions options;
  options.db = cluster.url();
  options.env = {{"DIALTRACK_DATABASE_QUERY_TIMEOUT_MS", std::to_string(kQueryTimeout.count())}};
  ServerProcess server(options);
  server.start();
  const auto phones = make_phones(500);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "stuck database");
  }

  FreezeObservations seen;
  std::size_t stopped_processes = 0;
  const auto each_pusher = [&](const auto& counts, std::size_t at_least) {
    for (const auto count : counts) {
      if (count < at_least) {
        return false;
      }
    }
    return true;
  };
  bool answered_while_frozen = false;
  bool recovered = false;
  {
    // Joined (after a stop request) when this block ends, also when an assertion returns.
    std::vector<std::jthread> pushers;
    for (std::size_t p = 0; p < kPushers; ++p) {
      pushers.emplace_back(push_until_stopped, p, server.port(), task_id, std::cref(phones),
                           std::ref(seen));
    }
    std::unique_lock lock(seen.mutex);
    const bool busy = seen.changed.wait_for(lock, scaled(std::chrono::seconds(60)), [&] {
      return seen.batches_acknowledged >= kBatchesBeforeFreeze || !seen.failures.empty();
    });
    if (busy && seen.failures.empty()) {
      lock.unlock();
      {
        const auto frozen = cluster.freeze();
        stopped_processes = frozen->processes();
        lock.lock();
        seen.phase = FreezePhase::kFrozen;
        // Stopped for as long as it takes every pusher to get its answers, or until the
        // deadline of this wait shows that they hang.
        answered_while_frozen = seen.changed.wait_for(lock, scaled(std::chrono::seconds(30)), [&] {
          return each_pusher(seen.answered_while_frozen, kAnswersWhileFrozen) ||
                 !seen.failures.empty();
        });
        lock.unlock();
      }  // SIGCONT
      lock.lock();
      seen.phase = FreezePhase::kThawed;
      seen.thawed_at = SteadyClock::now();
      recovered = seen.changed.wait_for(lock, scaled(std::chrono::seconds(60)), [&] {
        return each_pusher(seen.acknowledged_after_thaw, kBatchesAfterThaw) ||
               !seen.failures.empty();
      });
    }
    lock.unlock();
    for (auto& pusher : pushers) {
      pusher.request_stop();
    }
  }

  ASSERT_TRUE(seen.failures.empty())
      << seen.failures.size() << " failures, first: " << seen.failures.front();
  ASSERT_GE(seen.batches_acknowledged, kBatchesBeforeFreeze) << "the service never got busy";
  std::cout << "stopped " << stopped_processes << " PostgreSQL processes; answers while stopped: ";
  for (const auto count : seen.answered_while_frozen) {
    std::cout << count << ' ';
  }
  std::cout << "(per pusher), the slowest " << seen.slowest_while_frozen.count()
            << " ms with query_timeout_ms " << kQueryTimeout.count() << "; " << seen.unavailable
            << " answers were 503 in all; the slowest push of the test took "
            << seen.slowest.count() << " ms; the first 2xx came "
            << (seen.first_acknowledged_after_thaw
                    ? std::to_string(seen.first_acknowledged_after_thaw->count()) + " ms"
                    : std::string("never"))
            << " after SIGCONT\n";
  EXPECT_TRUE(answered_while_frozen)
      << "pushes hung while PostgreSQL was stopped instead of getting a 503 at the deadline";
  EXPECT_LE(seen.slowest_while_frozen, scaled(kQueryTimeout + kAnswerMargin));
  EXPECT_TRUE(recovered) << "no 2xx answers for every pusher once PostgreSQL ran again";

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
  const auto recount = run_dialtrack({"recount", "--db", cluster.url()});
  EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;
  EXPECT_NE(recount.out.find("1 tasks checked, 0 with drift"), std::string::npos)
      << recount.out << recount.err;
  EXPECT_EQ(server.terminate(), 0);
}

}  // namespace
}  // namespace dialtrack::test
