#include "sim/dialer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "domain/call_status.hpp"

namespace dialtrack::sim {
namespace {

const domain::Timestamp kNow{std::chrono::milliseconds{1'795'852'800'000}};

std::vector<TaskPhones> tasks(int count, int phones) {
  std::vector<TaskPhones> out;
  for (int t = 1; t <= count; ++t) {
    TaskPhones task{t, {}};
    for (int i = 0; i < phones; ++i) {
      task.phones.push_back(std::to_string(13000000000LL + t * 100000 + i));
    }
    out.push_back(std::move(task));
  }
  return out;
}

/// Every record until the dialer is done.
std::vector<SimCall> run(Dialer& dialer) {
  std::vector<SimCall> all;
  auto now = kNow;
  for (int guard = 0; !dialer.done() && guard < 1'000'000; ++guard) {
    for (auto& c : dialer.next_batch(50, now)) {
      all.push_back(std::move(c));
    }
    now += std::chrono::seconds(1);
  }
  return all;
}

TEST(Dialer, RunsWithAnotherRunIdShareNoCallId) {
  // The same seed twice (a repeated `simulate`) with two run ids: the same calls, and not one
  // call_id in common, so the second run's records are new to the server.
  DialerOptions options;
  options.seed = 42;
  options.run_id = "a1b2c3d4";
  Dialer a(options, tasks(2, 50));
  options.run_id = "e5f60718";
  Dialer b(options, tasks(2, 50));
  const auto ra = run(a);
  const auto rb = run(b);
  ASSERT_EQ(ra.size(), rb.size());
  std::set<std::string> ids_a;
  for (const auto& r : ra) {
    EXPECT_TRUE(r.call_id.starts_with("sim-a1b2c3d4-")) << r.call_id;
    ids_a.insert(r.call_id);
  }
  for (std::size_t i = 0; i < rb.size(); ++i) {
    EXPECT_TRUE(rb[i].call_id.starts_with("sim-e5f60718-")) << rb[i].call_id;
    EXPECT_EQ(ids_a.count(rb[i].call_id), 0U) << rb[i].call_id;
    EXPECT_EQ(rb[i].call_status, ra[i].call_status);
  }
}

TEST(Dialer, TheSameSeedGivesTheSameRecords) {
  DialerOptions options;
  options.seed = 42;
  Dialer a(options, tasks(2, 50));
  Dialer b(options, tasks(2, 50));
  const auto ra = run(a);
  const auto rb = run(b);
  ASSERT_EQ(ra.size(), rb.size());
  for (std::size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].call_id, rb[i].call_id);
    EXPECT_EQ(ra[i].call_status, rb[i].call_status);
    EXPECT_EQ(ra[i].duration, rb[i].duration);
  }
  options.seed = 43;
  Dialer c(options, tasks(2, 50));
  const auto rc = run(c);
  bool differs = rc.size() != ra.size();
  for (std::size_t i = 0; !differs && i < ra.size(); ++i) {
    differs = ra[i].call_status != rc[i].call_status;
  }
  EXPECT_TRUE(differs);
}

TEST(Dialer, EveryPhoneIsEventuallyConnectedWhenAttemptsAreUnbounded) {
  DialerOptions options;
  options.connect_rate = 0.3;
  Dialer dialer(options, tasks(3, 100));
  const auto records = run(dialer);
  std::map<std::string, bool> connected;
  for (const auto& r : records) {
    connected[r.phone] = connected[r.phone] || r.connected;
  }
  EXPECT_EQ(connected.size(), 300U);
  for (const auto& [phone, yes] : connected) {
    EXPECT_TRUE(yes) << phone;
  }
  EXPECT_EQ(dialer.stats().phones_connected, 300);
  EXPECT_EQ(dialer.stats().phones_given_up, 0);
}

TEST(Dialer, ConnectRateIsRoughlyHonoured) {
  DialerOptions options;
  options.connect_rate = 0.4;
  options.max_attempts = 1;
  options.duplicate_rate = 0;
  options.out_of_order_rate = 0;
  Dialer dialer(options, tasks(1, 10'000));
  run(dialer);
  const auto& s = dialer.stats();
  EXPECT_EQ(s.calls, 10'000);
  EXPECT_NEAR(static_cast<double>(s.connected_calls) / 10'000.0, 0.4, 0.03);
  EXPECT_EQ(s.phones_connected + s.phones_given_up, 10'000);
}

TEST(Dialer, StatusesAreValidAndClassifiedAsTheServerDoes) {
  DialerOptions options;
  options.out_of_order_rate = 0.2;
  options.duplicate_rate = 0.1;
  Dialer dialer(options, tasks(2, 200));
  const domain::StatusClassifier classifier;  // the server's default
  for (const auto& r : run(dialer)) {
    EXPECT_TRUE(domain::is_valid_call_status(r.call_status)) << r.call_status;
    EXPECT_EQ(classifier.is_connected(r.call_status), r.connected) << r.call_status;
    EXPECT_LE(r.started_at, r.ended_at);
    EXPECT_GE(r.duration, 0);
    if (r.connected) {
      EXPECT_GT(r.duration, 0);
    }
  }
}

TEST(Dialer, MaxAttemptsIsRespected) {
  DialerOptions options;
  options.connect_rate = 0.1;
  options.max_attempts = 3;
  options.duplicate_rate = 0;
  options.out_of_order_rate = 0;
  Dialer dialer(options, tasks(1, 500));
  std::map<std::string, int> attempts;
  for (const auto& r : run(dialer)) {
    ++attempts[r.phone];
  }
  for (const auto& [phone, n] : attempts) {
    EXPECT_LE(n, 3) << phone;
  }
  EXPECT_GT(dialer.stats().phones_given_up, 0);
}

TEST(Dialer, DuplicatesRepeatARecordAndLateUpdatesAreOlder) {
  DialerOptions options;
  options.duplicate_rate = 0.2;
  options.out_of_order_rate = 0.3;
  Dialer dialer(options, tasks(1, 300));
  const auto records = run(dialer);
  std::map<std::string, std::vector<const SimCall*>> by_call;
  for (const auto& r : records) {
    by_call[r.call_id].push_back(&r);
  }
  std::int64_t repeats = 0;
  std::int64_t late = 0;
  for (const auto& [id, versions] : by_call) {
    for (std::size_t i = 1; i < versions.size(); ++i) {
      if (versions[i]->call_status == "Executing") {
        ++late;
        EXPECT_LT(versions[i]->event_time, versions[0]->event_time) << id;
      } else {
        ++repeats;
        EXPECT_EQ(versions[i]->call_status, versions[0]->call_status) << id;
        EXPECT_EQ(versions[i]->event_time, versions[0]->event_time) << id;
      }
    }
  }
  EXPECT_EQ(repeats, dialer.stats().duplicates);
  EXPECT_EQ(late, dialer.stats().out_of_order);
  EXPECT_GT(repeats, 0);
  EXPECT_GT(late, 0);
}

}  // namespace
}  // namespace dialtrack::sim
