#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/clock.hpp"
#include "metrics/metrics.hpp"
#include "notify/webhook_client.hpp"
#include "storage/store.hpp"

namespace dialtrack::notify {

struct DispatcherOptions {
  std::string holder;  ///< this instance's name in claims (host:pid)
  int threads = 2;
  std::chrono::milliseconds timeout{5'000};  ///< per attempt
  std::chrono::milliseconds retry_initial{1'000};
  std::chrono::milliseconds retry_max{300'000};
  int max_attempts = 10;
  std::chrono::milliseconds poll_interval{1'000};  ///< how often an idle thread looks for work
  std::int64_t claim_limit = 16;                   ///< deliveries one thread sends per round
  std::string ca_file;  ///< PEM certificates trusted for https receivers beside the system's
  bool allow_private_targets = false;  ///< may connect to loopback, private, link-local receivers
};

/// The longest wait before the retry that follows attempt `attempts` (1-based):
/// `initial * 2^(attempts - 1)`, at most `max`. The wait itself is drawn uniformly from
/// [0, that] ("full jitter"), so receivers that come back are not hit by every retry at once.
std::chrono::milliseconds retry_ceiling(std::int64_t attempts, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max);

/// Delivers the webhook outbox: a few threads, each claiming a bounded number of due deliveries
/// per round (claims are rows, so instances sharing a database never send the same delivery at
/// once), POSTing them in parallel with a deadline per attempt, and recording each outcome:
/// delivered on 2xx, otherwise retried with backoff until `max_attempts`, then failed. Nothing
/// here runs on the request path, so a slow or dead receiver never holds up ingestion.
class Dispatcher {
 public:
  Dispatcher(storage::Store& store, const app::Clock& clock, DispatcherOptions options,
             metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log);
  /// Stops: aborts the attempts in flight (their claims run out and they are sent again later)
  /// and joins the threads.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

 private:
  void loop(std::size_t index);
  /// Claims and sends one batch; returns how many deliveries it claimed.
  std::size_t run_round(WebhookClient& client, const std::string& holder);
  storage::DeliveryOutcome outcome_of(const storage::DueDelivery& delivery,
                                      const PostResult& result, domain::Timestamp now);

  storage::Store& store_;
  const app::Clock& clock_;
  DispatcherOptions options_;
  std::chrono::milliseconds lease_;
  std::shared_ptr<spdlog::logger> log_;
  metrics::Gauge& backlog_;
  metrics::Counter& delivered_;
  metrics::Counter& retried_;
  metrics::Counter& failed_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<WebhookClient>> clients_;
  std::vector<std::thread> threads_;
};

}  // namespace dialtrack::notify
