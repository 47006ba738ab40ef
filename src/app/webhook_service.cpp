#include "app/webhook_service.hpp"

#include <algorithm>

#include "app/transactions.hpp"
#include "domain/webhooks.hpp"

namespace dialtrack::app {

namespace {

std::vector<std::string> events_or_all(const std::vector<std::string>& events) {
  if (!events.empty()) {
    return events;
  }
  return {domain::event::kAll.begin(), domain::event::kAll.end()};
}

}  // namespace

WebhookService::WebhookService(store_api::Store& store, const Clock& clock,
                               std::shared_ptr<spdlog::logger> log)
    : store_(store), clock_(clock), log_(std::move(log)) {}

store_api::Webhook WebhookService::create(const NewWebhook& webhook) {
  const auto events = events_or_all(webhook.events);
  auto created =
      run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
        return tx.outbox().insert_webhook(webhook.url, webhook.secret, events, clock_.now());
      });
  log_->info("webhook {} created url={}", created.webhook_id, created.url);
  return created;
}

std::vector<store_api::Webhook> WebhookService::list() {
  return run_transaction(store_, store_api::TxMode::kRead,
                         [&](store_api::Transaction& tx) { return tx.outbox().list_webhooks(); });
}

std::optional<store_api::Webhook> WebhookService::get(std::int64_t webhook_id) {
  return run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
    return tx.outbox().find_webhook(webhook_id);
  });
}

bool WebhookService::remove(std::int64_t webhook_id) {
  const bool removed =
      run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
        return tx.outbox().delete_webhook(webhook_id, clock_.now());
      });
  if (removed) {
    log_->info("webhook {} deleted", webhook_id);
  }
  return removed;
}

std::optional<store_api::DeliveryPage> WebhookService::deliveries(std::int64_t webhook_id,
                                                                  std::int64_t page,
                                                                  std::int64_t page_size) {
  return run_transaction(store_, store_api::TxMode::kRead,
                         [&](store_api::Transaction& tx) -> std::optional<store_api::DeliveryPage> {
                           if (!tx.outbox().find_webhook(webhook_id)) {
                             return std::nullopt;
                           }
                           return tx.outbox().deliveries_of(webhook_id, page, page_size);
                         });
}

void WebhookService::configure(const std::vector<NewWebhook>& webhooks) {
  if (webhooks.empty()) {
    return;
  }
  const auto now = clock_.now();
  run_transaction(store_, store_api::TxMode::kWrite, [&](store_api::Transaction& tx) {
    for (const auto& webhook : webhooks) {
      tx.outbox().upsert_webhook(webhook.url, webhook.secret, events_or_all(webhook.events), now);
    }
  });
  for (const auto& webhook : webhooks) {
    log_->info("webhook from the configuration: url={}", webhook.url);
  }
}

std::int64_t WebhookService::prune(std::chrono::milliseconds retention, std::int64_t limit) {
  constexpr std::int64_t kPerTransaction = 1'000;
  const auto before = clock_.now() - retention;
  std::int64_t pruned = 0;
  while (pruned < limit) {
    const auto batch = std::min(kPerTransaction, limit - pruned);
    const auto gone = run_transaction(
        store_, store_api::TxMode::kWrite,
        [&](store_api::Transaction& tx) { return tx.outbox().prune_outbox(before, batch); });
    pruned += gone;
    if (gone < batch) {
      break;
    }
  }
  if (pruned > 0) {
    log_->info("outbox: pruned {} finished events older than {} h", pruned,
               std::chrono::duration_cast<std::chrono::hours>(retention).count());
  }
  return pruned;
}

}  // namespace dialtrack::app
