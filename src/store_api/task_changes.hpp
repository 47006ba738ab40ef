#pragma once

#include <span>

#include "domain/interface.hpp"
#include "domain/types.hpp"

namespace dialtrack::store_api {

/// Where a use case announces, once its transaction committed, the tasks it changed (counters,
/// status, leads): the source of the live stream (`GET /events`). In one process the hub of
/// app/live_events.hpp hears it directly; with several instances on PostgreSQL it goes through
/// the database (`LISTEN/NOTIFY`, storage/postgres/pg_task_changes.hpp) so every instance hears
/// every change. Must return quickly and never throw: the write it announces is done already.
class TaskChanges : public domain::Interface {
 public:
  virtual void changed(std::span<const domain::TaskId> task_ids) = 0;
};

}  // namespace dialtrack::store_api
