#include "http/routes/webhooks.hpp"

#include <algorithm>

#include "domain/address.hpp"
#include "domain/time.hpp"
#include "domain/webhooks.hpp"
#include "http/json_fields.hpp"
#include "http/outcomes.hpp"
#include "http/routes/handlers.hpp"

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

json::object to_json(const store_api::DeliveryRow& row) {
  const bool pending = row.status == store_api::DeliveryStatus::kPending;
  json::object out{
      {"delivery_id", row.delivery_id},
      {"event_id", row.event_id},
      {"event", row.event_type},
      {"task_id", row.task_id},
      {"status", store_api::delivery_status_name(row.status)},
      {"attempts", row.attempts},
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
  if (auto error = first_error(body)) {
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
    if (auto error = first_error(decoded)) {
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
  return with_path_id(ctx, "webhook_id", [&](std::int64_t webhook_id) {
    return found_reply(webhooks_.get(webhook_id), Missing::kWebhook, ctx.lang,
                       [](const store_api::Webhook& webhook) { return to_json(webhook); });
  });
}

Reply WebhookRoutes::remove(const RequestContext& ctx) {
  return with_path_id(ctx, "webhook_id", [&](std::int64_t webhook_id) {
    if (!webhooks_.remove(webhook_id)) {
      return not_found(Missing::kWebhook, ctx.lang);
    }
    return ok(json::object{{"webhook_id", webhook_id}}, text(Msg::kWebhookDeleted, ctx.lang));
  });
}

Reply WebhookRoutes::deliveries(const RequestContext& ctx) {
  return with_path_id(ctx, "webhook_id", [&](std::int64_t webhook_id) {
    auto page = page_query(ctx, limits_.max_page_size);
    if (auto error = first_error(page)) {
      return std::move(*error);
    }
    const auto [p, size] = std::get<PageQuery>(page);
    const auto result = webhooks_.deliveries(webhook_id, p, size);
    if (!result) {
      return not_found(Missing::kWebhook, ctx.lang);
    }
    json::array items;
    for (const auto& row : result->items) {
      items.push_back(to_json(row));
    }
    return ok(json::object{{"items", std::move(items)},
                           {"total", result->total},
                           {"page", p},
                           {"page_size", size}},
              text(Msg::kOk, ctx.lang));
  });
}

}  // namespace dialtrack::http
