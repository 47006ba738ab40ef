#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "app/clock.hpp"
#include "app/webhook_sender.hpp"
#include "domain/interface.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

struct DeliveryOptions {
  std::chrono::milliseconds timeout{5'000};  ///< per attempt
  std::chrono::milliseconds retry_initial{1'000};
  std::chrono::milliseconds retry_max{300'000};
  int max_attempts = 10;
  std::int64_t claim_limit = 16;  ///< deliveries claimed and sent per round
};

/// The longest wait before the retry that follows attempt `attempts` (1-based):
/// `initial * 2^(attempts - 1)`, at most `max`. The wait itself is drawn uniformly from
/// [0, that] ("full jitter"), so receivers that come back are not hit by every retry at once.
std::chrono::milliseconds retry_ceiling(std::int64_t attempts, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max);

/// Where a round counts the results of its attempts (notify's metrics).
class AttemptCounter : public domain::Interface {
 public:
  /// One attempt ended with this outcome: delivered, pending (to be retried) or failed.
  virtual void count(store_api::DeliveryStatus result) = 0;
};

/// Delivers the webhook outbox, one round at a time: claims a bounded number of due deliveries
/// (claims are rows, so instances sharing a database never send the same delivery at once),
/// signs and sends them in parallel through the sender with a deadline per attempt, and records
/// each outcome: delivered on 2xx, otherwise retried with backoff until `max_attempts`, then
/// failed. Blocking; rounds of several threads may run at once (notify::Dispatcher runs them).
class DeliveryService {
 public:
  DeliveryService(store_api::Store& store, const Clock& clock, WebhookSender& sender,
                  const WebhookSigner& signer, DeliveryOptions options,
                  std::shared_ptr<spdlog::logger> log);

  /// Claims, for `holder` (an instance and thread), up to `claim_limit` due deliveries, sends
  /// them, counts each attempt's result in `counter` and stores the outcomes. Returns how many
  /// deliveries it claimed. After `stop`, attempts cut short are not recorded.
  std::size_t run_round(const std::string& holder, AttemptCounter& counter);

  /// How many deliveries are pending.
  std::int64_t backlog();

  [[nodiscard]] std::int64_t claim_limit() const { return options_.claim_limit; }

  /// For shutdown: aborts the attempts in flight (their claims run out and they are sent again
  /// later, by this instance after a restart or by another) and every later one. Any thread.
  void stop();

 private:
  store_api::DeliveryOutcome outcome_of(const store_api::DueDelivery& delivery,
                                        const PostResult& result, domain::Timestamp now);

  store_api::Store& store_;
  const Clock& clock_;
  WebhookSender& sender_;
  const WebhookSigner& signer_;
  DeliveryOptions options_;
  std::chrono::milliseconds lease_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<bool> stopping_{false};
};

}  // namespace dialtrack::app
