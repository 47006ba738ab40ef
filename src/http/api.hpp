#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "app/completion_service.hpp"
#include "app/ingest_service.hpp"
#include "app/task_service.hpp"
#include "app/webhook_service.hpp"
#include "http/router.hpp"
#include "http/routes/api_limits.hpp"
#include "http/routes/checks.hpp"
#include "http/routes/dashboard.hpp"
#include "http/routes/events.hpp"
#include "http/routes/exports.hpp"
#include "http/routes/health.hpp"
#include "http/routes/records.hpp"
#include "http/routes/reports.hpp"
#include "http/routes/tasks.hpp"
#include "http/routes/webhooks.hpp"

namespace dialtrack::http {

/// The use cases the API serves.
struct Services {
  app::TaskService& tasks;
  app::IngestService& ingest;
  app::CompletionService& completion;
  app::WebhookService& webhooks;
  std::string backend;  ///< "sqlite" or "postgresql"
  app::ReportService& reports;
  app::SyncService& sync;
  /// Asks the database for a trivial answer within a deadline (`GET /readyz`); blocking.
  ReadinessProbe::Ping ping;
  /// The live stream's hub (`GET /events`); without it (commands that only list the routes)
  /// the route answers 404.
  app::LiveEvents* events = nullptr;
  /// The exports (`GET /tasks/{id}/records.csv` and the like); without it they are not served.
  const exports::Exporter* exporter = nullptr;
  /// The offset exports write times in when the request names none (`display.utc_offset`).
  std::chrono::minutes display_utc_offset{480};
};

/// The whole HTTP API: the route objects and the one table that maps routes, with the scope
/// each needs, to them.
class Api {
 public:
  /// `access`: who may call which route (none: every route is open); `GET /metrics` needs a
  /// read token when it says so.
  Api(Services services, ApiLimits api_limits, RequestLimits request_limits,
      metrics::Registry& metrics, std::shared_ptr<spdlog::logger> log,
      const Access* access = nullptr);
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  [[nodiscard]] const Router& router() const { return router_; }

 private:
  Services services_;
  ApiLimits limits_;
  metrics::Registry& metrics_;
  TaskRoutes tasks_;
  RecordRoutes records_;
  CheckRoutes checks_;
  WebhookRoutes webhooks_;
  ReportRoutes reports_;
  DashboardRoutes dashboard_;
  HealthRoutes health_;
  EventRoutes events_;
  std::optional<ExportRoutes> exports_;
  Router router_;
};

}  // namespace dialtrack::http
