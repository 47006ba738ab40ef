#include "http/api.hpp"

#include "http/auth.hpp"
#include "http/routes/openapi.hpp"

namespace dialtrack::http {

using beast_http::verb;

Api::Api(Services services, ApiLimits api_limits, RequestLimits request_limits,
         metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log, const Access* access)
    : services_(std::move(services)),
      limits_(api_limits),
      metrics_(metrics),
      tasks_(services_.tasks, services_.sync, limits_),
      records_(services_.ingest, services_.completion, limits_, metrics),
      checks_(services_.completion, limits_, metrics),
      webhooks_(services_.webhooks, limits_),
      reports_(services_.reports),
      dashboard_(web::embedded_files(), access),
      health_(services_.backend, services_.ping, log),
      events_(services_.events, metrics),
      router_(request_limits, metrics, std::move(log), access) {
  // The handlers of one route object: `tasks(&TaskRoutes::create)` runs tasks_.create(ctx).
  const auto handlers_of = [](auto& routes) {
    using Routes = std::remove_reference_t<decltype(routes)>;
    return [&routes](Reply (Routes::*method)(const RequestContext&)) -> Handler {
      return [&routes, method](const RequestContext& ctx) { return (routes.*method)(ctx); };
    };
  };
  const auto tasks = handlers_of(tasks_);
  const auto records = handlers_of(records_);
  const auto checks = handlers_of(checks_);
  const auto webhooks = handlers_of(webhooks_);
  const auto reports = handlers_of(reports_);
  const auto events = handlers_of(events_);
  // Every route with the scope a token needs to call it (http/scope.hpp): reads need `read`,
  // writes `write`, webhooks `admin`; the completion checks are reads whatever their method.
  const auto read = Scope::kRead;
  const auto write = Scope::kWrite;
  const auto admin = Scope::kAdmin;
  const auto metrics_scope =
      access != nullptr && access->metrics_require_token() ? std::optional(read) : kPublic;
  auto& r = router_;
  // The probes run on the I/O thread: they answer whatever the workers and the database do.
  r.add_nonblocking(verb::get, "/healthz", kPublic,
                    [this](const RequestContext& ctx) { return health_.healthz(ctx); });
  r.add_inline(verb::get, "/readyz", kPublic,
               [this](const RequestContext& ctx) { return health_.readyz(ctx); });
  // What is answered from memory runs on the I/O thread too: no hand-off to a worker and back.
  r.add_nonblocking(verb::get, "/metrics", metrics_scope, [this](const RequestContext&) {
    Reply reply;
    reply.raw_body = metrics_.render();
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return reply;
  });
  r.add(verb::post, "/tasks", write, tasks(&TaskRoutes::create));
  r.add(verb::get, "/tasks", read, tasks(&TaskRoutes::list));
  r.add(verb::get, "/tasks/{task_id}", read, tasks(&TaskRoutes::get));
  r.add(verb::delete_, "/tasks/{task_id}", write, tasks(&TaskRoutes::remove));
  r.add(verb::post, "/tasks/{task_id}/leads", write, tasks(&TaskRoutes::add_leads));
  r.add(verb::post, "/tasks/{task_id}/start", write, tasks(&TaskRoutes::start));
  r.add(verb::get, "/tasks/{task_id}/history", read, tasks(&TaskRoutes::history));
  r.add(verb::post, "/tasks/{task_id}/finish", write, tasks(&TaskRoutes::finish));
  r.add(verb::put, "/tasks/{task_id}/completion", write, tasks(&TaskRoutes::set_completion));
  r.add(verb::post, "/tasks/{task_id}/redial", write, tasks(&TaskRoutes::redial));
  r.add(verb::get, "/tasks/{task_id}/leads", read, tasks(&TaskRoutes::leads));
  r.add(verb::get, "/tasks/{task_id}/leads/{phone}", read, tasks(&TaskRoutes::lead));
  r.add(verb::post, "/outbound_call_records", write, records(&RecordRoutes::ingest));
  // On SQLite a follow-up page or a check that only reads answers on the I/O thread; one that
  // completes the task (a write) or reads PostgreSQL runs on a worker.
  r.add(verb::get, "/task_followup_records/{task_id}", read, records(&RecordRoutes::followup),
        [this](const RequestContext& ctx) { return records_.followup_without_blocking(ctx); });
  r.add(verb::post, "/check_task_completion", read, checks(&CheckRoutes::check_post));
  r.add(verb::get, "/check_task_completion/{task_id}", read, checks(&CheckRoutes::check_get),
        [this](const RequestContext& ctx) { return checks_.check_get_without_blocking(ctx); });
  r.add(verb::post, "/check_task_completion/batch", read, checks(&CheckRoutes::check_batch));
  r.add(verb::post, "/webhooks", admin, webhooks(&WebhookRoutes::create));
  r.add(verb::get, "/webhooks", admin, webhooks(&WebhookRoutes::list));
  r.add(verb::get, "/webhooks/{webhook_id}", admin, webhooks(&WebhookRoutes::get));
  r.add(verb::delete_, "/webhooks/{webhook_id}", admin, webhooks(&WebhookRoutes::remove));
  r.add(verb::get, "/webhooks/{webhook_id}/deliveries", admin,
        webhooks(&WebhookRoutes::deliveries));
  r.add(verb::get, "/reports/tasks/{task_id}", read, reports(&ReportRoutes::task));
  r.add(verb::get, "/reports/summary", read, reports(&ReportRoutes::summary));
  r.add_nonblocking(verb::get, "/openapi.yaml", kPublic, [](const RequestContext&) {
    Reply reply;
    reply.raw_body = std::string(openapi_yaml());
    reply.content_type = "application/yaml; charset=utf-8";
    return reply;
  });
  r.add(verb::post, "/tasks/{task_id}/sync", write, tasks(&TaskRoutes::sync));
  r.add(verb::get, "/events", read, events(&EventRoutes::stream));
  if (services_.exporter != nullptr) {
    exports_.emplace(services_.tasks, *services_.exporter, services_.display_utc_offset);
    const auto exports = handlers_of(*exports_);
    r.add(verb::get, "/tasks/{task_id}/records.csv", read, exports(&ExportRoutes::records_csv));
    r.add(verb::get, "/tasks/{task_id}/records.xlsx", read, exports(&ExportRoutes::records_xlsx));
    r.add(verb::get, "/tasks/{task_id}/leads.csv", read, exports(&ExportRoutes::leads_csv));
    r.add(verb::get, "/tasks/{task_id}/leads.xlsx", read, exports(&ExportRoutes::leads_xlsx));
  }
  // The dashboard and the API viewer, compiled into the program (src/web).
  r.add_nonblocking(verb::get, "/", kPublic,
                    [this](const RequestContext& ctx) { return dashboard_.index(ctx); });
  r.add_nonblocking(verb::get, "/assets/{file}", kPublic,
                    [this](const RequestContext& ctx) { return dashboard_.asset(ctx); });
  r.add_nonblocking(verb::get, "/docs", kPublic,
                    [this](const RequestContext& ctx) { return dashboard_.docs(ctx); });
  r.add_nonblocking(verb::get, "/docs/{file}", kPublic,
                    [this](const RequestContext& ctx) { return dashboard_.docs_file(ctx); });
  // What the caller's token may do, so the dashboard shows only the actions it may take.
  r.add_nonblocking(verb::get, "/auth/scope", read,
                    [this](const RequestContext& ctx) { return dashboard_.auth_scope(ctx); });
}

}  // namespace dialtrack::http
