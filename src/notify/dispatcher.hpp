#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/delivery_service.hpp"
#include "metrics/metrics.hpp"

namespace dialtrack::notify {

// The retry schedule is app::DeliveryService's; named here too, beside the threads that run it.
using app::retry_ceiling;

struct DispatcherOptions {
  std::string holder;  ///< this instance's name in claims (host:pid)
  int threads = 2;
  std::chrono::milliseconds poll_interval{1'000};  ///< how often an idle thread looks for work
};

/// Runs the webhook outbox's delivery rounds (app::DeliveryService) on a few threads of their
/// own, each claiming as `holder/<thread>`: a thread that claimed a full batch goes on at once,
/// one that did not waits for the next poll. Counts every attempt by result
/// (`dialtrack_webhook_deliveries_total`) and keeps `dialtrack_outbox_backlog`. Nothing here
/// runs on the request path, so a slow or dead receiver never holds up ingestion.
class Dispatcher {
 public:
  Dispatcher(app::DeliveryService& deliveries, DispatcherOptions options,
             metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log);
  /// Stops: aborts the attempts in flight (their claims run out and they are sent again later)
  /// and joins the threads.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

 private:
  /// The attempt counters of `/metrics`, one series per result.
  class Counters final : public app::AttemptCounter {
   public:
    explicit Counters(metrics::Registry& metrics);
    void count(store_api::DeliveryStatus result) override;

   private:
    metrics::Counter& delivered_;
    metrics::Counter& retried_;
    metrics::Counter& failed_;
  };

  void loop(std::size_t index);

  app::DeliveryService& deliveries_;
  DispatcherOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  metrics::Gauge& backlog_;
  Counters counters_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace dialtrack::notify
