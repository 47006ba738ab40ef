#include "http/routes/sync.hpp"

#include "http/json_mapping.hpp"

namespace dialtrack::http {

SyncRoutes::SyncRoutes(app::SyncService& sync) : sync_(sync) {}

Reply SyncRoutes::sync_task(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  const auto outcome = sync_.sync_task(std::get<std::int64_t>(id));
  if (const auto* refusal = std::get_if<app::SyncRefusal>(&outcome)) {
    switch (*refusal) {
      case app::SyncRefusal::kTaskNotFound:
        return fail(Status::not_found, text(Msg::kTaskNotFound, ctx.lang));
      case app::SyncRefusal::kNoJobGroup:
        return fail(Status::conflict, text(Msg::kSyncNoJobGroup, ctx.lang));
      case app::SyncRefusal::kAlreadyRunning:
        return fail(Status::conflict, text(Msg::kSyncRunning, ctx.lang));
      case app::SyncRefusal::kNoAccount:
        return fail(Status::service_unavailable, text(Msg::kSyncNoAccount, ctx.lang));
    }
    return fail(Status::internal_server_error, text(Msg::kInternalError, ctx.lang));
  }
  const auto& report = std::get<app::SyncReport>(outcome);
  auto data = sync_report_json(report);
  if (!report.error) {
    return ok(std::move(data), text(Msg::kSyncDone, ctx.lang));
  }
  // The pages stored before the failure stay stored; the answer says how far it got.
  const auto& kind = report.error->kind;
  if (kind == "concurrent_sync") {
    return ok(std::move(data), text(Msg::kSyncRunning, ctx.lang), Status::conflict);
  }
  if (kind == "storage") {
    return ok(std::move(data), text(Msg::kStoreUnavailable, ctx.lang), Status::service_unavailable);
  }
  if (kind == "stopped") {
    return ok(std::move(data), text(Msg::kShuttingDown, ctx.lang), Status::service_unavailable);
  }
  return ok(std::move(data), sync_failed_text(kind, ctx.lang), Status::bad_gateway);
}

}  // namespace dialtrack::http
