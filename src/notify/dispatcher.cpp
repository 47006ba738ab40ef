#include "notify/dispatcher.hpp"

#include <algorithm>
#include <random>

#include "app/transactions.hpp"
#include "notify/signature.hpp"

namespace dialtrack::notify {

using storage::DeliveryStatus;

namespace {

// A claim covers one round: the attempts of a round run in parallel and end by the timeout;
// the margin covers recording their outcomes. A claim that runs out early (a database slower
// than that) costs a duplicate delivery at worst; a long one delays the deliveries of an
// instance that died meanwhile.
constexpr std::chrono::seconds kClaimMargin{10};

std::chrono::milliseconds jittered(std::chrono::milliseconds ceiling) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(0, ceiling.count()));
  return std::chrono::milliseconds{pick(random)};
}

std::string describe(const PostResult& result) {
  return result.status ? "HTTP " + std::to_string(*result.status) : result.error;
}

}  // namespace

std::chrono::milliseconds retry_ceiling(std::int64_t attempts, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max) {
  auto ceiling = initial;
  for (std::int64_t i = 1; i < attempts && ceiling < max; ++i) {
    ceiling *= 2;
  }
  return std::min(ceiling, max);
}

Dispatcher::Dispatcher(storage::Store& store, const app::Clock& clock, DispatcherOptions options,
                       metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      lease_(options_.timeout + kClaimMargin),
      log_(std::move(log)),
      backlog_(metrics.gauge("dialtrack_outbox_backlog", "webhook deliveries pending")),
      delivered_(metrics.counter("dialtrack_webhook_deliveries_total",
                                 "webhook delivery attempts, by result",
                                 {{"result", "delivered"}})),
      retried_(metrics.counter("dialtrack_webhook_deliveries_total",
                               "webhook delivery attempts, by result", {{"result", "retry"}})),
      failed_(metrics.counter("dialtrack_webhook_deliveries_total",
                              "webhook delivery attempts, by result", {{"result", "failed"}})) {
  for (int i = 0; i < options_.threads; ++i) {
    clients_.push_back(
        std::make_unique<WebhookClient>(options_.ca_file, options_.allow_private_targets));
  }
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    threads_.emplace_back([this, i] { loop(i); });
  }
}

Dispatcher::~Dispatcher() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& client : clients_) {
    client->cancel();
  }
  for (auto& thread : threads_) {
    thread.join();
  }
}

void Dispatcher::loop(std::size_t index) {
  const std::string holder = options_.holder + "/" + std::to_string(index);
  auto& client = *clients_[index];
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    std::size_t claimed = 0;
    try {
      claimed = run_round(client, holder);
      if (index == 0) {
        backlog_.set(
            app::run_transaction(store_, storage::TxMode::kRead,
                                 [](storage::Transaction& tx) { return tx.outbox_backlog(); }));
      }
    } catch (const std::exception& e) {
      log_->error("webhook delivery round failed, next in {} ms: {}",
                  options_.poll_interval.count(), e.what());
    }
    lock.lock();
    // A full round suggests more is due: go on at once. Otherwise wait for the next poll.
    if (claimed < static_cast<std::size_t>(options_.claim_limit)) {
      wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
    }
  }
}

std::size_t Dispatcher::run_round(WebhookClient& client, const std::string& holder) {
  const auto due =
      app::run_transaction(store_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
        return tx.claim_deliveries(holder, clock_.now(), lease_, options_.claim_limit);
      });
  if (due.empty()) {
    return 0;
  }
  std::vector<Post> posts;
  posts.reserve(due.size());
  for (const auto& d : due) {
    posts.push_back({d.url,
                     {{"X-Dialtrack-Event", d.event_type},
                      {"X-Dialtrack-Event-Id", d.event_id},
                      {"X-Dialtrack-Signature", "sha256=" + hmac_sha256_hex(d.secret, d.payload)}},
                     d.payload});
  }
  const auto results = client.send(posts, options_.timeout);
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) {
      // The attempts were cut short, not answered: their claims run out and they go again.
      return due.size();
    }
  }
  const auto now = clock_.now();
  std::vector<storage::DeliveryOutcome> outcomes;
  outcomes.reserve(due.size());
  for (std::size_t i = 0; i < due.size(); ++i) {
    outcomes.push_back(outcome_of(due[i], results[i], now));
  }
  // Counted before the outcomes are stored: the attempts happened whether or not the write
  // below succeeds, and a reader who sees a stored outcome then finds it counted.
  for (const auto& outcome : outcomes) {
    switch (outcome.status) {
      case DeliveryStatus::kDelivered:
        delivered_.inc();
        break;
      case DeliveryStatus::kPending:
        retried_.inc();
        break;
      case DeliveryStatus::kFailed:
        failed_.inc();
        break;
    }
  }
  app::run_transaction(store_, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
    for (std::size_t i = 0; i < due.size(); ++i) {
      tx.finish_delivery(due[i].delivery_id, outcomes[i], now);
    }
  });
  return due.size();
}

storage::DeliveryOutcome Dispatcher::outcome_of(const storage::DueDelivery& d,
                                                const PostResult& result, domain::Timestamp now) {
  storage::DeliveryOutcome outcome;
  outcome.http_status = result.status;
  if (result.status && *result.status >= 200 && *result.status < 300) {
    outcome.status = DeliveryStatus::kDelivered;
    log_->debug("webhook {} event {} ({}, task {}) delivered to {}", d.webhook_id, d.event_id,
                d.event_type, d.task_id, d.url);
    return outcome;
  }
  outcome.error =
      result.status ? "the receiver answered HTTP " + std::to_string(*result.status) : result.error;
  const auto attempts = d.attempts + 1;
  if (attempts >= options_.max_attempts) {
    outcome.status = DeliveryStatus::kFailed;
    log_->warn("webhook {} event {} ({}, task {}) to {} failed after {} attempts, last: {}",
               d.webhook_id, d.event_id, d.event_type, d.task_id, d.url, attempts,
               describe(result));
    return outcome;
  }
  outcome.status = DeliveryStatus::kPending;
  const auto wait = jittered(retry_ceiling(attempts, options_.retry_initial, options_.retry_max));
  outcome.retry_at = now + wait;
  log_->debug("webhook {} event {} to {}: attempt {} failed ({}), retry in {} ms", d.webhook_id,
              d.event_id, d.url, attempts, describe(result), wait.count());
  return outcome;
}

}  // namespace dialtrack::notify
