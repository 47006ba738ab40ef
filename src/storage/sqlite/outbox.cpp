#include <algorithm>
#include <iterator>
#include <utility>

#include "domain/events.hpp"
#include "domain/webhooks.hpp"
#include "storage/common/names.hpp"
#include "storage/common/webhook_rows.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

namespace {

constexpr const char* kWebhookColumns = "webhook_id, url, secret, events, created_at";

store_api::Webhook read_webhook(const Statement& s) {
  return {s.int64(0), s.text(1), s.text(2), webhook_rows::split_events(s.text(3)),
          timestamp(s.int64(4))};
}

/// A row of `deliveries_of`, in its column order.
store_api::DeliveryRow read_delivery(const Statement& s) {
  store_api::DeliveryRow d;
  d.delivery_id = s.int64(0);
  d.event_id = s.text(1);
  d.event_type = s.text(2);
  d.task_id = s.int64(3);
  d.status = webhook_rows::status_from_text(s.text(4));
  d.attempts = s.int64(5);
  d.last_error = s.optional_text(6);
  if (const auto status = s.optional_int64(7)) {
    d.last_status = static_cast<int>(*status);
  }
  d.next_attempt_at = timestamp(s.int64(8));
  d.delivered_at = timestamp(s.optional_int64(9));
  return d;
}

store_api::StoredEvent read_event(const Statement& s) {
  return {s.int64(0), s.int64(1), s.text(2), s.text(3)};
}

void write_event(Connection& c, std::string_view event, TaskId task_id, TaskType from, TaskType to,
                 std::string_view reason, Timestamp now) {
  const std::string event_id = domain::new_event_id();
  // The payload is the webhook body, built by domain::status_event_payload: the PostgreSQL
  // store writes the same bytes.
  c.outbox->insert_event
      .bind(event_id, task_id, event,
            domain::status_event_payload(event_id, event, task_id, from, to, reason, now),
            millis(now))
      .run();
  c.outbox->insert_deliveries.bind(event_id, task_id, event, millis(now)).run();
}

}  // namespace

OutboxStatements::OutboxStatements(Database& db)
    : insert_event(db,
                   "INSERT INTO outbox_events (event_id, task_id, event_type, payload, "
                   "created_at) VALUES (?1, ?2, ?3, ?4, ?5)"),
      insert_deliveries(
          db,
          "INSERT INTO webhook_deliveries (event_id, webhook_id, task_id, status, attempts, "
          "next_attempt_at) SELECT ?1, webhook_id, ?2, 'pending', 0, ?4 FROM webhooks "
          "WHERE deleted = 0 AND instr(',' || events || ',', ',' || ?3 || ',') > 0"),
      insert_webhook(db, sql("INSERT INTO webhooks (url, secret, events, created_at) "
                             "VALUES (?1, ?2, ?3, ?4) RETURNING ",
                             kWebhookColumns, "")),
      find_webhook_by_url(db,
                          "SELECT webhook_id FROM webhooks WHERE url = ?1 AND deleted = 0 "
                          "ORDER BY webhook_id LIMIT 1"),
      update_webhook(
          db, sql("UPDATE webhooks SET secret = ?2, events = ?3 WHERE webhook_id = ?1 RETURNING ",
                  kWebhookColumns, "")),
      list_webhooks(db, sql("SELECT ", kWebhookColumns,
                            " FROM webhooks WHERE deleted = 0 ORDER BY webhook_id")),
      find_webhook(db, sql("SELECT ", kWebhookColumns,
                           " FROM webhooks WHERE webhook_id = ?1 AND deleted = 0")),
      delete_webhook(db, "UPDATE webhooks SET deleted = 1 WHERE webhook_id = ?1 AND deleted = 0"),
      fail_webhook_deliveries(
          db,
          "UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook deleted', "
          "next_attempt_at = ?2, claimed_by = NULL, claimed_until = NULL "
          "WHERE webhook_id = ?1 AND status = 'pending'"),
      // SQLite has one writer at a time, so the conditional UPDATE is the whole claim.
      claim_deliveries(db,
                       "UPDATE webhook_deliveries SET claimed_by = ?1, claimed_until = ?3 "
                       "WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries "
                       "WHERE status = 'pending' AND next_attempt_at <= ?2 "
                       "AND (claimed_until IS NULL OR claimed_until < ?2) "
                       "ORDER BY next_attempt_at, delivery_id LIMIT ?4) RETURNING delivery_id"),
      due_delivery(
          db,
          "SELECT d.delivery_id, d.event_id, e.event_type, d.webhook_id, d.task_id, w.url, "
          "w.secret, e.payload, d.attempts FROM webhook_deliveries d "
          "JOIN outbox_events e ON e.event_id = d.event_id "
          "JOIN webhooks w ON w.webhook_id = d.webhook_id WHERE d.delivery_id = ?1"),
      finish_delivery(
          db,
          "UPDATE webhook_deliveries SET status = ?2, attempts = attempts + 1, "
          "next_attempt_at = ?3, last_error = ?4, last_status = ?5, "
          "delivered_at = CASE ?2 WHEN 'delivered' THEN ?6 ELSE delivered_at END, "
          "claimed_by = NULL, claimed_until = NULL WHERE delivery_id = ?1 AND status = 'pending'"),
      deliveries_of(
          db,
          "SELECT d.delivery_id, d.event_id, e.event_type, d.task_id, d.status, d.attempts, "
          "d.last_error, d.last_status, d.next_attempt_at, d.delivered_at "
          "FROM webhook_deliveries d JOIN outbox_events e ON e.event_id = d.event_id "
          "WHERE d.webhook_id = ?1 ORDER BY d.delivery_id DESC LIMIT ?2 OFFSET ?3"),
      count_deliveries(db, "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ?1"),
      outbox_backlog(db, "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"),
      // Both statements pick the same events: deleting their deliveries changes none of the
      // conditions, and the write transaction sees no one else's changes in between.
      prune_deliveries(db,
                       "DELETE FROM webhook_deliveries WHERE event_id IN ("
                       "SELECT e.event_id FROM outbox_events e WHERE e.created_at < ?1 "
                       "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE "
                       "d.event_id = e.event_id AND d.status = 'pending') "
                       "ORDER BY e.created_at LIMIT ?2)"),
      prune_events(db,
                   "DELETE FROM outbox_events WHERE event_id IN ("
                   "SELECT e.event_id FROM outbox_events e WHERE e.created_at < ?1 "
                   "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE "
                   "d.event_id = e.event_id AND d.status = 'pending') "
                   "ORDER BY e.created_at LIMIT ?2)"),
      events_after(db,
                   "SELECT seq, task_id, event_type, payload FROM outbox_events WHERE seq > ?1 "
                   "ORDER BY seq LIMIT ?2"),
      task_events_after(db,
                        "SELECT seq, task_id, event_type, payload FROM outbox_events "
                        "WHERE task_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"),
      event_seq_range(db,
                      "SELECT coalesce(max(seq), 0), coalesce(min(seq), 0) FROM outbox_events") {}

void write_status_events(Connection& c, TaskId task_id, TaskType from, TaskType to,
                         std::string_view reason, Timestamp now) {
  write_event(c, domain::event::kStatusChanged, task_id, from, to, reason, now);
  if (to == TaskType::kCompleted) {
    write_event(c, domain::event::kCompleted, task_id, from, to, reason, now);
  }
}

namespace {

/// The outbox and webhooks port: subscriptions, and the deliveries of the events that status
/// changes write.
class SqliteOutbox final : public PortOn<store_api::OutboxStore, Connection> {
 public:
  using PortOn::PortOn;

  store_api::Webhook insert_webhook(std::string_view url, std::string_view secret,
                                    std::span<const std::string> events, Timestamp now) override {
    auto& s =
        c_.outbox->insert_webhook.bind(url, secret, webhook_rows::join_events(events), millis(now));
    s.step();
    return read_webhook(s);
  }

  store_api::Webhook upsert_webhook(std::string_view url, std::string_view secret,
                                    std::span<const std::string> events, Timestamp now) override {
    // Write transactions are serialised, so the look-up and the write see the same state.
    auto& found = c_.outbox->find_webhook_by_url.bind(url);
    if (!found.step()) {
      return insert_webhook(url, secret, events, now);
    }
    const auto id = found.int64(0);
    auto& s = c_.outbox->update_webhook.bind(id, secret, webhook_rows::join_events(events));
    s.step();
    return read_webhook(s);
  }

  std::vector<store_api::Webhook> list_webhooks() override {
    return c_.outbox->list_webhooks.bind().read_all(read_webhook);
  }

  std::optional<store_api::Webhook> find_webhook(std::int64_t webhook_id) override {
    auto& s = c_.outbox->find_webhook.bind(webhook_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return read_webhook(s);
  }

  bool delete_webhook(std::int64_t webhook_id, Timestamp now) override {
    c_.outbox->delete_webhook.bind(webhook_id).run();
    if (c_.db.changes() != 1) {
      return false;
    }
    c_.outbox->fail_webhook_deliveries.bind(webhook_id, millis(now)).run();
    return true;
  }

  std::vector<store_api::DueDelivery> claim_deliveries(std::string_view holder, Timestamp now,
                                                       std::chrono::milliseconds lease,
                                                       std::int64_t limit) override {
    auto ids = c_.outbox->claim_deliveries.bind(holder, millis(now), millis(now + lease), limit)
                   .read_all([](const Statement& s) { return s.int64(0); });
    std::sort(ids.begin(), ids.end());
    std::vector<store_api::DueDelivery> out;
    for (const auto id : ids) {
      auto& s = c_.outbox->due_delivery.bind(id);
      if (s.step()) {
        out.push_back({s.int64(0), s.text(1), s.text(2), s.int64(3), s.int64(4), s.text(5),
                       s.text(6), s.text(7), s.int64(8)});
      }
    }
    return out;
  }

  bool finish_delivery(std::int64_t delivery_id, const store_api::DeliveryOutcome& outcome,
                       Timestamp now) override {
    const bool retry = outcome.status == store_api::DeliveryStatus::kPending;
    c_.outbox->finish_delivery
        .bind(delivery_id, store_api::delivery_status_name(outcome.status),
              millis(retry ? outcome.retry_at : now), outcome.error, outcome.http_status,
              millis(now))
        .run();
    return c_.db.changes() == 1;
  }

  store_api::DeliveryPage deliveries_of(std::int64_t webhook_id, std::int64_t page,
                                        std::int64_t page_size) override {
    store_api::DeliveryPage out;
    out.items = c_.outbox->deliveries_of
                    .bind(webhook_id, page_size, store_api::page_offset(page, page_size))
                    .read_all(read_delivery);
    auto& count = c_.outbox->count_deliveries.bind(webhook_id);
    if (count.step()) {
      out.total = count.int64(0);
    }
    return out;
  }

  std::int64_t outbox_backlog() override {
    auto& s = c_.outbox->outbox_backlog.bind();
    return s.step() ? s.int64(0) : 0;
  }

  std::int64_t prune_outbox(Timestamp before, std::int64_t limit) override {
    c_.outbox->prune_deliveries.bind(millis(before), limit).run();
    c_.outbox->prune_events.bind(millis(before), limit).run();
    return c_.db.changes();
  }

  std::vector<store_api::StoredEvent> events_after(std::int64_t after,
                                                   std::int64_t limit) override {
    return c_.outbox->events_after.bind(after, limit).read_all(read_event);
  }

  std::vector<store_api::StoredEvent> task_events_after(std::span<const TaskId> task_ids,
                                                        std::int64_t after,
                                                        std::int64_t limit) override {
    // One indexed read per task: in-process reads cost no round trip.
    std::vector<store_api::StoredEvent> out;
    for (const auto id : task_ids) {
      auto events = c_.outbox->task_events_after.bind(id, after, limit).read_all(read_event);
      std::move(events.begin(), events.end(), std::back_inserter(out));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
    if (std::cmp_greater(out.size(), limit)) {
      out.resize(static_cast<std::size_t>(limit));
    }
    return out;
  }

  std::pair<std::int64_t, std::int64_t> event_seq_range() override {
    auto& s = c_.outbox->event_seq_range.bind();
    return s.step() ? std::pair{s.int64(0), s.int64(1)} : std::pair<std::int64_t, std::int64_t>{};
  }
};

}  // namespace

std::unique_ptr<store_api::OutboxStore> make_outbox(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteOutbox>(c);
}

}  // namespace dialtrack::storage::sqlite
