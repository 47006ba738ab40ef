#include "http/api.hpp"

#include "http/routes/health.hpp"
#include "http/routes/openapi.hpp"

namespace dialtrack::http {

using beast_http::verb;

Api::Api(Services services, ApiLimits api_limits, RequestLimits request_limits,
         metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log)
    : services_(std::move(services)),
      limits_(api_limits),
      metrics_(metrics),
      tasks_(services_.tasks, limits_),
      records_(services_.ingest, services_.completion, limits_, metrics),
      checks_(services_.completion, limits_, metrics),
      webhooks_(services_.webhooks, limits_),
      reports_(services_.reports),
      router_(request_limits, metrics, std::move(log)) {
  auto bind = [](auto* routes, Reply (std::remove_pointer_t<decltype(routes)>::*method)(
                                   const RequestContext&)) -> Handler {
    return [routes, method](const RequestContext& ctx) { return (routes->*method)(ctx); };
  };
  auto& r = router_;
  r.add(verb::get, "/healthz",
        [this](const RequestContext& ctx) { return health(ctx, services_.backend); });
  r.add(verb::get, "/metrics", [this](const RequestContext&) {
    Reply reply;
    reply.raw_body = metrics_.render();
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return reply;
  });
  r.add(verb::post, "/tasks", bind(&tasks_, &TaskRoutes::create));
  r.add(verb::get, "/tasks", bind(&tasks_, &TaskRoutes::list));
  r.add(verb::get, "/tasks/{task_id}", bind(&tasks_, &TaskRoutes::get));
  r.add(verb::delete_, "/tasks/{task_id}", bind(&tasks_, &TaskRoutes::remove));
  r.add(verb::post, "/tasks/{task_id}/leads", bind(&tasks_, &TaskRoutes::add_leads));
  r.add(verb::post, "/tasks/{task_id}/start", bind(&tasks_, &TaskRoutes::start));
  r.add(verb::get, "/tasks/{task_id}/history", bind(&tasks_, &TaskRoutes::history));
  r.add(verb::post, "/outbound_call_records", bind(&records_, &RecordRoutes::ingest));
  r.add(verb::get, "/task_followup_records/{task_id}", bind(&records_, &RecordRoutes::followup));
  r.add(verb::post, "/check_task_completion", bind(&checks_, &CheckRoutes::check_post));
  r.add(verb::get, "/check_task_completion/{task_id}", bind(&checks_, &CheckRoutes::check_get));
  r.add(verb::post, "/check_task_completion/batch", bind(&checks_, &CheckRoutes::check_batch));
  r.add(verb::post, "/webhooks", bind(&webhooks_, &WebhookRoutes::create));
  r.add(verb::get, "/webhooks", bind(&webhooks_, &WebhookRoutes::list));
  r.add(verb::get, "/webhooks/{webhook_id}", bind(&webhooks_, &WebhookRoutes::get));
  r.add(verb::delete_, "/webhooks/{webhook_id}", bind(&webhooks_, &WebhookRoutes::remove));
  r.add(verb::get, "/webhooks/{webhook_id}/deliveries",
        bind(&webhooks_, &WebhookRoutes::deliveries));
  r.add(verb::get, "/reports/tasks/{task_id}", bind(&reports_, &ReportRoutes::task));
  r.add(verb::get, "/reports/summary", bind(&reports_, &ReportRoutes::summary));
  r.add(verb::get, "/openapi.yaml", [](const RequestContext&) {
    Reply reply;
    reply.raw_body = std::string(openapi_yaml());
    reply.content_type = "application/yaml; charset=utf-8";
    return reply;
  });
}

}  // namespace dialtrack::http
