#include "notify/dispatcher.hpp"

namespace dialtrack::notify {

Dispatcher::Counters::Counters(metrics::Registry& metrics)
    : delivered_(metrics.counter("dialtrack_webhook_deliveries_total",
                                 "webhook delivery attempts, by result",
                                 {{"result", "delivered"}})),
      retried_(metrics.counter("dialtrack_webhook_deliveries_total",
                               "webhook delivery attempts, by result", {{"result", "retry"}})),
      failed_(metrics.counter("dialtrack_webhook_deliveries_total",
                              "webhook delivery attempts, by result", {{"result", "failed"}})) {}

void Dispatcher::Counters::count(store_api::DeliveryStatus result) {
  switch (result) {
    case store_api::DeliveryStatus::kDelivered:
      delivered_.inc();
      break;
    case store_api::DeliveryStatus::kPending:
      retried_.inc();
      break;
    case store_api::DeliveryStatus::kFailed:
      failed_.inc();
      break;
  }
}

Dispatcher::Dispatcher(app::DeliveryService& deliveries, DispatcherOptions options,
                       metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log)
    : deliveries_(deliveries),
      options_(std::move(options)),
      log_(std::move(log)),
      backlog_(metrics.gauge("dialtrack_outbox_backlog", "webhook deliveries pending")),
      counters_(metrics) {
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this, i] { loop(static_cast<std::size_t>(i)); });
  }
}

Dispatcher::~Dispatcher() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  deliveries_.stop();
  for (auto& thread : threads_) {
    thread.join();
  }
}

void Dispatcher::loop(std::size_t index) {
  const std::string holder = options_.holder + "/" + std::to_string(index);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::size_t claimed = 0;
    try {
      claimed = deliveries_.run_round(holder, counters_);
      if (index == 0) {
        backlog_.set(deliveries_.backlog());
      }
    } catch (const std::exception& e) {
      log_->error("webhook delivery round failed, next in {} ms: {}",
                  options_.poll_interval.count(), e.what());
    }
    lock.lock();
    // A full round suggests more is due: go on at once. Otherwise wait for the next poll.
    if (claimed < static_cast<std::size_t>(deliveries_.claim_limit())) {
      wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
    }
  }
}

}  // namespace dialtrack::notify
