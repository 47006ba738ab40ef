#pragma once

#include "app/webhook_service.hpp"
#include "http/router.hpp"
#include "http/routes/api_limits.hpp"

namespace dialtrack::http {

/// `/webhooks`: subscribe (`POST`), list, get, delete, and a webhook's deliveries. The secret
/// is never shown again after it was given.
class WebhookRoutes {
 public:
  WebhookRoutes(app::WebhookService& webhooks, const ApiLimits& limits);

  Reply create(const RequestContext& ctx);
  Reply list(const RequestContext& ctx);
  Reply get(const RequestContext& ctx);
  Reply remove(const RequestContext& ctx);
  Reply deliveries(const RequestContext& ctx);

 private:
  app::WebhookService& webhooks_;
  const ApiLimits& limits_;
};

}  // namespace dialtrack::http
