#pragma once

#include "app/sync_service.hpp"
#include "http/router.hpp"

namespace dialtrack::http {

/// `POST /tasks/{task_id}/sync`: pulls the task's job group from the dialer now.
class SyncRoutes {
 public:
  explicit SyncRoutes(app::SyncService& sync);

  Reply sync_task(const RequestContext& ctx);

 private:
  app::SyncService& sync_;
};

}  // namespace dialtrack::http
