#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "domain/types.hpp"

namespace dialtrack::sim {

/// How the simulated dialer behaves.
struct DialerOptions {
  double connect_rate = 0.6;        ///< chance that one attempt connects
  int max_attempts = 0;             ///< attempts per phone at most; 0: until connected
  double duplicate_rate = 0.02;     ///< chance that a sent record is sent again unchanged
  double out_of_order_rate = 0.02;  ///< chance that a call's older progress update arrives late
  std::uint64_t seed = 1;
  /// In every call_id (`sim-<run_id>-<n>`): call_ids are unique per run, and the server keeps
  /// a call_id to its first task, so two runs must not share one. `simulate` draws it at
  /// random unless `--run-id` repeats a run.
  std::string run_id = "0";
};

/// The phones of one task, as created on the server.
struct TaskPhones {
  domain::TaskId task_id = 0;
  std::vector<std::string> phones;
};

/// One call result as a cloud dialer pushes it.
struct SimCall {
  std::string call_id;
  domain::TaskId task_id = 0;
  std::string phone;
  std::string call_status;
  domain::Timestamp started_at{};
  domain::Timestamp ended_at{};
  std::int64_t duration = 0;  ///< seconds
  domain::Timestamp event_time{};
  bool connected = false;
};

/// What was generated so far.
struct DialerStats {
  std::int64_t calls = 0;  ///< attempts (one call_id each)
  std::int64_t connected_calls = 0;
  std::int64_t duplicates = 0;    ///< records sent twice
  std::int64_t out_of_order = 0;  ///< older updates sent after a newer one
  std::int64_t phones_connected = 0;
  std::int64_t phones_given_up = 0;  ///< out of attempts without a connection
};

/// A deterministic (per seed) dialer: calls every phone of every task in turn, retries the
/// ones not connected, and reports each attempt with real cloud-dialer statuses, now and then
/// twice or with a late older update, as real callbacks arrive.
class Dialer {
 public:
  Dialer(DialerOptions options, const std::vector<TaskPhones>& tasks);

  /// At most `count` records to push now, the calls ending at about `now`; empty once every
  /// phone is connected or out of attempts.
  std::vector<SimCall> next_batch(std::size_t count, domain::Timestamp now);
  [[nodiscard]] bool done() const { return queue_.empty() && late_.empty(); }
  [[nodiscard]] const DialerStats& stats() const { return stats_; }

  /// The statuses this dialer reports as connected and as not connected.
  static const std::vector<std::string>& connected_statuses();
  static const std::vector<std::string>& failed_statuses();

 private:
  struct Phone {
    domain::TaskId task_id = 0;
    std::string phone;
    int attempts = 0;
  };

  SimCall attempt(Phone& phone, domain::Timestamp now);
  bool chance(double p);

  DialerOptions options_;
  std::mt19937_64 rng_;
  std::deque<Phone> queue_;
  std::vector<SimCall> late_;  ///< older updates still to send, after their newer one
  std::vector<SimCall> sent_;  ///< a window of recent records, to resend as duplicates
  DialerStats stats_;
  std::int64_t next_call_ = 1;
};

}  // namespace dialtrack::sim
