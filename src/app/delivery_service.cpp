#include "app/delivery_service.hpp"

#include <algorithm>
#include <random>

#include "app/transactions.hpp"

namespace dialtrack::app {

using store_api::DeliveryStatus;

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

DeliveryService::DeliveryService(store_api::Store& store, const Clock& clock, WebhookSender& sender,
                                 const WebhookSigner& signer, DeliveryOptions options,
                                 std::shared_ptr<spdlog::logger> log)
    : store_(store),
      clock_(clock),
      sender_(sender),
      signer_(signer),
      options_(options),
      lease_(options_.timeout + kClaimMargin),
      log_(std::move(log)) {}

void DeliveryService::stop() {
  stopping_ = true;
  sender_.cancel();
}

std::int64_t DeliveryService::backlog() {
  return run_transaction(store_, store_api::TxMode::kRead,
                         [](store_api::Transaction& tx) { return tx.outbox().outbox_backlog(); });
}

std::size_t DeliveryService::run_round(const std::string& holder, AttemptCounter& counter) {
  const auto due =
      run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
        return tx.outbox().claim_deliveries(holder, clock_.now(), lease_, options_.claim_limit);
      });
  if (due.empty()) {
    return 0;
  }
  std::vector<WebhookPost> posts;
  posts.reserve(due.size());
  for (const auto& d : due) {
    posts.push_back(
        {d.url,
         {{"X-Dialtrack-Event", d.event_type},
          {"X-Dialtrack-Event-Id", d.event_id},
          {"X-Dialtrack-Signature", "sha256=" + signer_.hmac_sha256_hex(d.secret, d.payload)}},
         d.payload});
  }
  const auto results = sender_.send(posts, options_.timeout);
  if (stopping_) {
    // The attempts were cut short, not answered: their claims run out and they go again.
    return due.size();
  }
  const auto now = clock_.now();
  std::vector<store_api::DeliveryOutcome> outcomes;
  outcomes.reserve(due.size());
  for (std::size_t i = 0; i < due.size(); ++i) {
    outcomes.push_back(outcome_of(due[i], results[i], now));
  }
  // Counted before the outcomes are stored: the attempts happened whether or not the write
  // below succeeds, and a reader who sees a stored outcome then finds it counted.
  for (const auto& outcome : outcomes) {
    counter.count(outcome.status);
  }
  run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
    for (std::size_t i = 0; i < due.size(); ++i) {
      tx.outbox().finish_delivery(due[i].delivery_id, outcomes[i], now);
    }
  });
  return due.size();
}

store_api::DeliveryOutcome DeliveryService::outcome_of(const store_api::DueDelivery& d,
                                                       const PostResult& result,
                                                       domain::Timestamp now) {
  store_api::DeliveryOutcome outcome;
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

}  // namespace dialtrack::app
