#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"

namespace dialtrack::store_api {

using domain::TaskId;
using domain::Timestamp;

/// Where the pull from a dialer account stands for one job group: an opaque cursor that only
/// the dialer connector reads.
struct SyncCursor {
  std::string cursor;
  Timestamp updated_at{};
};

/// How the last pull from the dialer went for a task (`sync` in `GET /tasks/{task_id}`).
struct TaskSyncState {
  Timestamp last_sync_at{};
  std::optional<std::string> last_sync_error;  ///< empty when the last sync succeeded
  std::int64_t last_sync_records = 0;          ///< call attempts fetched by the last sync
};

/// The dialer cursors port: how far each job group was pulled from a dialer account.
class CursorStore : public domain::Interface {
 public:
  /// The job group's cursor with this dialer account; empty when it was never synced.
  virtual std::optional<SyncCursor> find_sync_cursor(std::string_view account,
                                                     std::string_view job_group_id) = 0;
  /// Sets the job group's cursor to `next` only if it still is `expected` (nothing: no cursor
  /// yet). False when another sync moved it first; the caller then rolls back.
  virtual bool advance_sync_cursor(std::string_view account, std::string_view job_group_id,
                                   const std::optional<std::string>& expected,
                                   std::string_view next, Timestamp now) = 0;
  /// Records how a sync of the job group went on each of its tasks that is not deleted;
  /// returns how many tasks that is.
  virtual std::int64_t record_sync(std::string_view job_group_id, const TaskSyncState& state) = 0;
  /// The task's last sync; empty when it was never synced.
  virtual std::optional<TaskSyncState> task_sync(TaskId task_id) = 0;
  /// The distinct job groups of calling tasks (state 2) greater than `after` in byte order,
  /// in that order, at most `limit`: what the periodic puller walks.
  virtual std::vector<std::string> calling_job_groups(std::string_view after,
                                                      std::int64_t limit) = 0;
};

}  // namespace dialtrack::store_api
