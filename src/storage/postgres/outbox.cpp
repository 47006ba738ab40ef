#include <string_view>
#include <utility>

#include "domain/events.hpp"
#include "domain/webhooks.hpp"
#include "storage/common/names.hpp"
#include "storage/common/webhook_rows.hpp"
#include "storage/postgres/pg_sql.hpp"
#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// A row of `deliveries_of`, in its column order.
store_api::DeliveryRow read_delivery(const Result& r, int row) {
  store_api::DeliveryRow d;
  d.delivery_id = r.int64(row, 0);
  d.event_id = std::string(r.text(row, 1));
  d.event_type = std::string(r.text(row, 2));
  d.task_id = r.int64(row, 3);
  d.status = webhook_rows::status_from_text(r.text(row, 4));
  d.attempts = r.int64(row, 5);
  d.last_error = r.optional_text(row, 6);
  if (const auto status = r.optional_int64(row, 7)) {
    d.last_status = static_cast<int>(*status);
  }
  d.next_attempt_at = timestamp(r.int64(row, 8));
  d.delivered_at = timestamp(r.optional_int64(row, 9));
  return d;
}

/// The columns `read_webhook` reads, in its order.
constexpr std::string_view kWebhookColumns = "webhook_id, url, secret, events, created_at";

store_api::Webhook read_webhook(const Result& r, int row) {
  return {r.int64(row, 0), std::string(r.text(row, 1)), std::string(r.text(row, 2)),
          webhook_rows::split_events(r.text(row, 3)), timestamp(r.int64(row, 4))};
}

}  // namespace

std::vector<NamedStatement> outbox_statements() {
  return {
      // The events of status changes ($1-$4: one element per event, ids and payloads from
      // domain/events.hpp, so that every backend stores the same bytes) and one pending
      // delivery per webhook subscribed to each (`events`: names separated by commas).
      {"insert_events",
       "WITH e AS (INSERT INTO outbox_events (event_id, task_id, event_type, payload, "
       "created_at) SELECT u.event_id, u.task_id, u.event_type, u.payload, $5 "
       "FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) "
       "WITH ORDINALITY AS u(event_id, task_id, event_type, payload, n) ORDER BY u.n "
       "RETURNING event_id, event_type, task_id) "
       "INSERT INTO webhook_deliveries (event_id, webhook_id, task_id, status, attempts, "
       "next_attempt_at) SELECT e.event_id, w.webhook_id, e.task_id, 'pending', 0, $5 "
       "FROM e JOIN webhooks w ON NOT w.deleted "
       "AND strpos(',' || w.events || ',', ',' || e.event_type || ',') > 0"},
      {"insert_webhook", sql({"INSERT INTO webhooks (url, secret, events, created_at) "
                              "VALUES ($1, $2, $3, $4) RETURNING ",
                              kWebhookColumns})},
      // Instances that upsert their configured webhooks at once take turns (until commit).
      {"lock_webhooks", "SELECT pg_advisory_xact_lock(7316435927002)"},
      {"find_webhook_by_url",
       "SELECT webhook_id FROM webhooks WHERE url = $1 AND NOT deleted ORDER BY webhook_id "
       "LIMIT 1"},
      {"update_webhook",
       sql({"UPDATE webhooks SET secret = $2, events = $3 WHERE webhook_id = $1 RETURNING ",
            kWebhookColumns})},
      {"list_webhooks",
       sql({"SELECT ", kWebhookColumns, " FROM webhooks WHERE NOT deleted ORDER BY webhook_id"})},
      {"find_webhook",
       sql({"SELECT ", kWebhookColumns, " FROM webhooks WHERE webhook_id = $1 AND NOT deleted"})},
      {"delete_webhook",
       "WITH w AS (UPDATE webhooks SET deleted = true WHERE webhook_id = $1 AND NOT deleted "
       "RETURNING webhook_id), "
       "f AS (UPDATE webhook_deliveries d SET status = 'failed', last_error = 'webhook deleted', "
       "next_attempt_at = $2, claimed_by = NULL, claimed_until = NULL FROM w "
       "WHERE d.webhook_id = w.webhook_id AND d.status = 'pending') "
       "SELECT webhook_id FROM w"},
      // SKIP LOCKED: instances claiming at once take disjoint rows instead of waiting; the
      // claim (claimed_until) then keeps the rows out of other claims while they are sent.
      {"claim_deliveries",
       "WITH due AS (SELECT delivery_id FROM webhook_deliveries WHERE status = 'pending' "
       "AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2) "
       "ORDER BY next_attempt_at, delivery_id LIMIT $4 FOR UPDATE SKIP LOCKED), "
       "c AS (UPDATE webhook_deliveries d SET claimed_by = $1, claimed_until = $3 FROM due "
       "WHERE d.delivery_id = due.delivery_id RETURNING d.delivery_id, d.event_id, d.webhook_id, "
       "d.task_id, d.attempts) "
       "SELECT c.delivery_id, c.event_id, e.event_type, c.webhook_id, c.task_id, w.url, "
       "w.secret, e.payload, c.attempts FROM c "
       "JOIN outbox_events e ON e.event_id = c.event_id "
       "JOIN webhooks w ON w.webhook_id = c.webhook_id ORDER BY c.delivery_id"},
      {"finish_delivery",
       "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, "
       "next_attempt_at = $3, last_error = $4, last_status = $5, "
       "delivered_at = CASE WHEN $2 = 'delivered' THEN $6::bigint ELSE delivered_at END, "
       "claimed_by = NULL, claimed_until = NULL WHERE delivery_id = $1 AND status = 'pending'"},
      {"deliveries_of",
       "SELECT d.delivery_id, d.event_id, e.event_type, d.task_id, d.status, d.attempts, "
       "d.last_error, d.last_status, d.next_attempt_at, d.delivered_at "
       "FROM webhook_deliveries d JOIN outbox_events e ON e.event_id = d.event_id "
       "WHERE d.webhook_id = $1 ORDER BY d.delivery_id DESC LIMIT $2 OFFSET $3"},
      {"count_deliveries", "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1"},
      {"outbox_backlog", "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'"},
      {"prune_outbox",
       "WITH old AS (SELECT e.event_id FROM outbox_events e WHERE e.created_at < $1 "
       "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.event_id "
       "AND d.status = 'pending') ORDER BY e.created_at LIMIT $2 FOR UPDATE SKIP LOCKED), "
       "gone AS (DELETE FROM webhook_deliveries WHERE event_id IN (SELECT event_id FROM old)) "
       "DELETE FROM outbox_events WHERE event_id IN (SELECT event_id FROM old)"},
      // The live stream's reads (`GET /events`): events by number.
      {"events_after",
       "SELECT seq, task_id, event_type, payload FROM outbox_events WHERE seq > $1 "
       "ORDER BY seq LIMIT $2"},
      {"task_events_after",
       "SELECT seq, task_id, event_type, payload FROM outbox_events "
       "WHERE task_id = ANY($1::bigint[]) AND seq > $2 ORDER BY seq LIMIT $3"},
      {"event_seq_range", "SELECT coalesce(max(seq), 0), coalesce(min(seq), 0) FROM outbox_events"},
  };
}

void write_status_events(Connection& c, std::span<const TaskId> task_ids, domain::TaskType from,
                         domain::TaskType to, std::string_view reason, Timestamp now) {
  if (task_ids.empty()) {
    return;
  }
  std::vector<std::optional<std::string>> event_ids;
  std::vector<std::int64_t> event_tasks;
  std::vector<std::optional<std::string>> event_types;
  std::vector<std::optional<std::string>> payloads;
  const auto add = [&](TaskId task_id, std::string_view event) {
    std::string event_id = domain::new_event_id();
    payloads.emplace_back(
        domain::status_event_payload(event_id, event, task_id, from, to, reason, now));
    event_ids.emplace_back(std::move(event_id));
    event_tasks.push_back(task_id);
    event_types.emplace_back(std::string(event));
  };
  for (const TaskId task_id : task_ids) {
    add(task_id, domain::event::kStatusChanged);
    if (to == domain::TaskType::kCompleted) {
      add(task_id, domain::event::kCompleted);
    }
  }
  c.run("insert_events", Params{}
                             .add_array(event_ids)
                             .add_array(event_tasks)
                             .add_array(event_types)
                             .add_array(payloads)
                             .add(millis(now)));
}

namespace {

store_api::StoredEvent read_event(const Result& r, int row) {
  return {r.int64(row, 0), r.int64(row, 1), std::string(r.text(row, 2)),
          std::string(r.text(row, 3))};
}

/// The outbox and webhooks port: subscriptions, and the deliveries of the events that status
/// changes write.
class PgOutbox final : public PortOn<store_api::OutboxStore, Connection> {
 public:
  using PortOn::PortOn;

  store_api::Webhook insert_webhook(std::string_view url, std::string_view secret,
                                    std::span<const std::string> events, Timestamp now) override {
    const auto r = c_.run(
        "insert_webhook",
        Params{}.add(url).add(secret).add(webhook_rows::join_events(events)).add(millis(now)));
    return read_webhook(r, 0);
  }

  store_api::Webhook upsert_webhook(std::string_view url, std::string_view secret,
                                    std::span<const std::string> events, Timestamp now) override {
    c_.run("lock_webhooks");
    const auto found = c_.run("find_webhook_by_url", Params{}.add(url));
    if (found.rows() == 0) {
      return insert_webhook(url, secret, events, now);
    }
    const auto r =
        c_.run("update_webhook",
               Params{}.add(found.int64(0, 0)).add(secret).add(webhook_rows::join_events(events)));
    return read_webhook(r, 0);
  }

  std::vector<store_api::Webhook> list_webhooks() override {
    return c_.run("list_webhooks").read_all(read_webhook);
  }

  std::optional<store_api::Webhook> find_webhook(std::int64_t webhook_id) override {
    const auto r = c_.run("find_webhook", Params{}.add(webhook_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return read_webhook(r, 0);
  }

  bool delete_webhook(std::int64_t webhook_id, Timestamp now) override {
    return c_.run("delete_webhook", Params{}.add(webhook_id).add(millis(now))).rows() == 1;
  }

  std::vector<store_api::DueDelivery> claim_deliveries(std::string_view holder, Timestamp now,
                                                       std::chrono::milliseconds lease,
                                                       std::int64_t limit) override {
    return c_
        .run("claim_deliveries",
             Params{}.add(holder).add(millis(now)).add(millis(now + lease)).add(limit))
        .read_all([](const Result& r, int row) {
          return store_api::DueDelivery{r.int64(row, 0),
                                        std::string(r.text(row, 1)),
                                        std::string(r.text(row, 2)),
                                        r.int64(row, 3),
                                        r.int64(row, 4),
                                        std::string(r.text(row, 5)),
                                        std::string(r.text(row, 6)),
                                        std::string(r.text(row, 7)),
                                        r.int64(row, 8)};
        });
  }

  bool finish_delivery(std::int64_t delivery_id, const store_api::DeliveryOutcome& outcome,
                       Timestamp now) override {
    const bool retry = outcome.status == store_api::DeliveryStatus::kPending;
    std::optional<std::int64_t> http_status;
    if (outcome.http_status) {
      http_status = *outcome.http_status;
    }
    const auto r =
        c_.run("finish_delivery", Params{}
                                      .add(delivery_id)
                                      .add(store_api::delivery_status_name(outcome.status))
                                      .add(millis(retry ? outcome.retry_at : now))
                                      .add(outcome.error)
                                      .add(http_status)
                                      .add(millis(now)));
    return r.affected() == 1;
  }

  store_api::DeliveryPage deliveries_of(std::int64_t webhook_id, std::int64_t page,
                                        std::int64_t page_size) override {
    store_api::DeliveryPage out;
    out.items =
        c_.run("deliveries_of",
               Params{}.add(webhook_id).add(page_size).add(store_api::page_offset(page, page_size)))
            .read_all(read_delivery);
    out.total = c_.run("count_deliveries", Params{}.add(webhook_id)).int64(0, 0);
    return out;
  }

  std::int64_t outbox_backlog() override { return c_.run("outbox_backlog").int64(0, 0); }

  std::int64_t prune_outbox(Timestamp before, std::int64_t limit) override {
    return c_.run("prune_outbox", Params{}.add(millis(before)).add(limit)).affected();
  }

  std::vector<store_api::StoredEvent> events_after(std::int64_t after,
                                                   std::int64_t limit) override {
    return c_.run("events_after", Params{}.add(after).add(limit)).read_all(read_event);
  }

  std::vector<store_api::StoredEvent> task_events_after(std::span<const TaskId> task_ids,
                                                        std::int64_t after,
                                                        std::int64_t limit) override {
    return c_.run("task_events_after", Params{}.add_array(task_ids).add(after).add(limit))
        .read_all(read_event);
  }

  std::pair<std::int64_t, std::int64_t> event_seq_range() override {
    const auto r = c_.run("event_seq_range");
    return {r.int64(0, 0), r.int64(0, 1)};
  }
};

}  // namespace

std::unique_ptr<store_api::OutboxStore> make_outbox(Connection& c, store_api::TxMode) {
  return std::make_unique<PgOutbox>(c);
}

}  // namespace dialtrack::storage::postgres
