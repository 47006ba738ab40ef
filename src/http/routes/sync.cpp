#include "http/routes/sync.hpp"

#include "http/json_mapping.hpp"
#include "http/outcomes.hpp"
#include "http/routes/handlers.hpp"

namespace dialtrack::http {

SyncRoutes::SyncRoutes(app::SyncService& sync) : sync_(sync) {}

Reply SyncRoutes::sync_task(const RequestContext& ctx) {
  return with_path_id(ctx, "task_id", [&](domain::TaskId task_id) {
    const auto outcome = sync_.sync_task(task_id);
    if (const auto* refusal = std::get_if<app::SyncRefusal>(&outcome)) {
      return sync_refused(*refusal, ctx.lang);
    }
    const auto& report = std::get<app::SyncReport>(outcome);
    return sync_finished(report, sync_report_json(report), ctx.lang);
  });
}

}  // namespace dialtrack::http
