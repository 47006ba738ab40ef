#include "http/routes/sync.hpp"

#include "http/json_mapping.hpp"
#include "http/outcomes.hpp"

namespace dialtrack::http {

SyncRoutes::SyncRoutes(app::SyncService& sync) : sync_(sync) {}

Reply SyncRoutes::sync_task(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  const auto outcome = sync_.sync_task(std::get<std::int64_t>(id));
  if (const auto* refusal = std::get_if<app::SyncRefusal>(&outcome)) {
    return sync_refused(*refusal, ctx.lang);
  }
  const auto& report = std::get<app::SyncReport>(outcome);
  return sync_finished(report, sync_report_json(report), ctx.lang);
}

}  // namespace dialtrack::http
