#include "http/routes/webhooks.hpp"

#include <algorithm>

#include "domain/address.hpp"
#include "domain/time.hpp"
#include "domain/webhooks.hpp"
#include "http/json_fields.hpp"
#include "http/outcomes.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

namespace {

constexpr std::size_t kMaxSecret = 256;

json::object to_json(const store_api::Webhook& webhook) {
  json::array events;
  for (const auto& event : webhook.events) {
    events.emplace_back(event);
  }
  return {
      {"webhook_id", webhook.webhook_id},
      {"url", webhook.url},
      {"events", std::move(events)},
      {"has_secret", !webhook.secret.empty()},
      {"created_at", domain::format_timestamp(webhook.created_at)},
  };
}

std::string_view status_name(store_api::DeliveryStatus status) {
  switch (status) {
    case store_api::DeliveryStatus::kPending:
      return "pending";
    case store_api::DeliveryStatus::kDelivered:
      return "delivered";
    case store_api::DeliveryStatus::kFailed:
      return "failed";
  }
  return "pending";
}

json::object to_json(const store_api::DeliveryRow& row) {
  const bool pending = row.status == store_api::DeliveryStatus::kPending;
  json::object out{
      {"delivery_id", row.delivery_id},    {"event_id", row.event_id},
      {"event", row.event_type},           {"task_id", row.task_id},
      {"status", status_name(row.status)}, {"attempts", row.attempts},
  };
  out["last_error"] = row.last_error ? json::value(*row.last_error) : json::value(nullptr);
  out["last_status"] = row.last_status ? json::value(*row.last_status) : json::value(nullptr);
  out["next_attempt_at"] =
      pending ? json::value(domain::format_timestamp(row.next_attempt_at)) : json::value(nullptr);
  out["delivered_at"] = row.delivered_at ? json::value(domain::format_timestamp(*row.delivered_at))
                                         : json::value(nullptr);
  return out;
}

/// `events`: a non-empty array of known event names; repeats are kept once.
Decoded<std::vector<std::string>> decode_events(const json::array& items, Language lang) {
  if (items.empty()) {
    return bad_field({"events", Problem::kEmpty}, lang);
  }
  std::vector<std::string> events;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string field = "events[" + std::to_string(i) + "]";
    const auto* name = items[i].if_string();
    if (name == nullptr) {
      return bad_field({field, Problem::kWrongType, "string"}, lang);
    }
    if (!domain::event::is_known(*name)) {
      return bad_field({field, Problem::kUnknownEvent}, lang);
    }
    if (std::find(events.begin(), events.end(), *name) == events.end()) {
      events.emplace_back(*name);
    }
  }
  return events;
}

}  // namespace

WebhookRoutes::WebhookRoutes(app::WebhookService& webhooks, const ApiLimits& limits)
    : webhooks_(webhooks), limits_(limits) {}

Reply WebhookRoutes::create(const RequestContext& ctx) {
  auto body = ctx.body_object();
  if (auto* error = std::get_if<Reply>(&body)) {
    return std::move(*error);
  }
  FieldReader in(std::get<json::object>(body), "");
  app::NewWebhook webhook;
  auto url = in.string("url", Need::kRequired, domain::kMaxWebhookUrl);
  auto secret = in.string("secret", Need::kRequired, kMaxSecret);
  const auto* events = in.array("events", Need::kOptional);
  if (!in.error() && !domain::is_webhook_url(*url)) {
    in.fail("url", Problem::kInvalidUrl);
  }
  if (in.error()) {
    return bad_field(*in.error(), ctx.lang);
  }
  // A literal address is refused here; a host name is checked after resolution at delivery.
  if (!limits_.allow_private_webhook_targets) {
    const auto host = domain::url_host(*url);
    const auto kind = host ? domain::classify_literal_host(*host) : std::nullopt;
    if (kind && *kind != domain::AddressKind::kPublic) {
      return private_webhook_target(*kind, ctx.lang);
    }
  }
  webhook.url = std::move(*url);
  webhook.secret = std::move(*secret);
  if (events != nullptr) {
    auto decoded = decode_events(*events, ctx.lang);
    if (auto* error = std::get_if<Reply>(&decoded)) {
      return std::move(*error);
    }
    webhook.events = std::move(std::get<std::vector<std::string>>(decoded));
  }
  return ok(to_json(webhooks_.create(webhook)), text(Msg::kWebhookCreated, ctx.lang),
            Status::created);
}

Reply WebhookRoutes::list(const RequestContext& ctx) {
  json::array items;
  for (const auto& webhook : webhooks_.list()) {
    items.push_back(to_json(webhook));
  }
  return ok(json::object{{"items", std::move(items)}}, text(Msg::kOk, ctx.lang));
}

Reply WebhookRoutes::get(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "webhook_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  const auto webhook = webhooks_.get(std::get<std::int64_t>(id));
  if (!webhook) {
    return not_found(Missing::kWebhook, ctx.lang);
  }
  return ok(to_json(*webhook), text(Msg::kOk, ctx.lang));
}

Reply WebhookRoutes::remove(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "webhook_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  if (!webhooks_.remove(std::get<std::int64_t>(id))) {
    return not_found(Missing::kWebhook, ctx.lang);
  }
  return ok(json::object{{"webhook_id", std::get<std::int64_t>(id)}},
            text(Msg::kWebhookDeleted, ctx.lang));
}

Reply WebhookRoutes::deliveries(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "webhook_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  auto page = ctx.query_int("page", 1, 1, INT32_MAX, "positive");
  auto page_size = ctx.query_int("page_size", 20, 1, limits_.max_page_size, "page_size");
  for (auto* error : {std::get_if<Reply>(&page), std::get_if<Reply>(&page_size)}) {
    if (error != nullptr) {
      return std::move(*error);
    }
  }
  const auto p = std::get<std::int64_t>(page);
  const auto size = std::get<std::int64_t>(page_size);
  const auto result = webhooks_.deliveries(std::get<std::int64_t>(id), p, size);
  if (!result) {
    return not_found(Missing::kWebhook, ctx.lang);
  }
  json::array items;
  for (const auto& row : result->items) {
    items.push_back(to_json(row));
  }
  return ok(
      json::object{
          {"items", std::move(items)}, {"total", result->total}, {"page", p}, {"page_size", size}},
      text(Msg::kOk, ctx.lang));
}

}  // namespace dialtrack::http
