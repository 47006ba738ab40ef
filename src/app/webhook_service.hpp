#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/clock.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

/// A subscription to add: `events` are names from domain/events.hpp, already validated; empty
/// means every event.
struct NewWebhook {
  std::string url;
  std::string secret;
  std::vector<std::string> events;
};

/// Webhook subscriptions (by API and by configuration) and their delivery state. The events
/// themselves are written by the store with each status change; notify/ delivers them.
class WebhookService {
 public:
  WebhookService(store_api::Store& store, const Clock& clock, std::shared_ptr<spdlog::logger> log);

  store_api::Webhook create(const NewWebhook& webhook);
  std::vector<store_api::Webhook> list();
  std::optional<store_api::Webhook> get(std::int64_t webhook_id);
  /// False when unknown or already deleted. Its pending deliveries are given up.
  bool remove(std::int64_t webhook_id);
  /// Empty when the webhook is unknown or deleted.
  std::optional<store_api::DeliveryPage> deliveries(std::int64_t webhook_id, std::int64_t page,
                                                    std::int64_t page_size);
  /// The subscriptions of the configuration, added or updated by url, in one transaction.
  void configure(const std::vector<NewWebhook>& webhooks);
  /// Deletes outbox events older than `retention` whose deliveries are all finished, at most
  /// `limit` per call (in transactions of a bounded size); returns how many went.
  std::int64_t prune(std::chrono::milliseconds retention, std::int64_t limit);

 private:
  store_api::Store& store_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace dialtrack::app
