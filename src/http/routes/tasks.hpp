#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <variant>

#include "app/sync_service.hpp"
#include "app/task_service.hpp"
#include "http/decoders.hpp"
#include "http/messages.hpp"
#include "http/router.hpp"
#include "http/routes/api_limits.hpp"

namespace dialtrack::http {

/// `/tasks` and its sub-resources: create, list, get, add leads, start, delete, history, finish,
/// completion policy, redial, the leads with their attempts, and sync (`POST
/// /tasks/{task_id}/sync`: pulls the task's job group from the dialer now).
class TaskRoutes {
 public:
  TaskRoutes(app::TaskService& tasks, app::SyncService& sync, const ApiLimits& limits);

  Reply create(const RequestContext& ctx);
  Reply list(const RequestContext& ctx);
  Reply get(const RequestContext& ctx);
  Reply add_leads(const RequestContext& ctx);
  Reply start(const RequestContext& ctx);
  Reply remove(const RequestContext& ctx);
  Reply history(const RequestContext& ctx);
  Reply finish(const RequestContext& ctx);
  Reply set_completion(const RequestContext& ctx);
  Reply redial(const RequestContext& ctx);
  Reply leads(const RequestContext& ctx);
  Reply lead(const RequestContext& ctx);
  Reply sync(const RequestContext& ctx);

 private:
  /// The task object with its `sync` (one more primary-key read); list items go without it.
  boost::json::object with_sync(const domain::Task& task);
  /// A change of the task the path names (TaskService::remove, finish): the task after it,
  /// with its `sync` and `done` as the message, or the failure's reply.
  using Change = app::TaskOutcome<domain::Task> (app::TaskService::*)(domain::TaskId);
  Reply change_task(const RequestContext& ctx, Change change, Msg done);

  app::TaskService& tasks_;
  app::SyncService& sync_;
  const ApiLimits& limits_;
};

}  // namespace dialtrack::http
