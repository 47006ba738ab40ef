#include "storage/common/names.hpp"
#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

std::vector<NamedStatement> cursor_statements() {
  return {
      {"find_sync_cursor",
       "SELECT cursor, updated_at FROM dialer_sync_cursors "
       "WHERE account = $1 AND job_group_id = $2"},
      {"insert_sync_cursor",
       "INSERT INTO dialer_sync_cursors (account, job_group_id, cursor, updated_at) "
       "VALUES ($1, $2, $3, $4) ON CONFLICT (account, job_group_id) DO NOTHING"},
      {"update_sync_cursor",
       "UPDATE dialer_sync_cursors SET cursor = $4, updated_at = $5 "
       "WHERE account = $1 AND job_group_id = $2 AND cursor = $3"},
      {"record_sync",
       "INSERT INTO task_sync_state (task_id, last_sync_at, last_sync_error, last_sync_records) "
       "SELECT task_id, $2, $3, $4 FROM call_tasks WHERE job_group_id = $1 AND task_type <> 4 "
       "ON CONFLICT (task_id) DO UPDATE SET last_sync_at = excluded.last_sync_at, "
       "last_sync_error = excluded.last_sync_error, "
       "last_sync_records = excluded.last_sync_records"},
      {"task_sync",
       "SELECT last_sync_at, last_sync_error, last_sync_records FROM task_sync_state "
       "WHERE task_id = $1"},
      // Byte order (COLLATE "C"), as SQLite compares text, so `after` pages the same way.
      {"calling_job_groups",
       "SELECT DISTINCT job_group_id COLLATE \"C\" FROM call_tasks WHERE task_type = 2 "
       "AND job_group_id IS NOT NULL AND job_group_id COLLATE \"C\" > $1 "
       "ORDER BY 1 LIMIT $2"},
  };
}

namespace {

/// The dialer cursors port: how far each job group was pulled from a dialer account, and how
/// each task's last pull went.
class PgCursors final : public store_api::CursorStore {
 public:
  explicit PgCursors(Connection& connection) : c_(connection) {}

  std::optional<store_api::SyncCursor> find_sync_cursor(std::string_view account,
                                                        std::string_view job_group_id) override {
    const auto r = c_.run("find_sync_cursor", Params{}.add(account).add(job_group_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return store_api::SyncCursor{std::string(r.text(0, 0)), timestamp(r.int64(0, 1))};
  }

  bool advance_sync_cursor(std::string_view account, std::string_view job_group_id,
                           const std::optional<std::string>& expected, std::string_view next,
                           Timestamp now) override {
    const auto r =
        expected
            ? c_.run(
                  "update_sync_cursor",
                  Params{}.add(account).add(job_group_id).add(*expected).add(next).add(millis(now)))
            : c_.run("insert_sync_cursor",
                     Params{}.add(account).add(job_group_id).add(next).add(millis(now)));
    return r.affected() == 1;
  }

  std::int64_t record_sync(std::string_view job_group_id,
                           const store_api::TaskSyncState& state) override {
    const auto r = c_.run("record_sync", Params{}
                                             .add(job_group_id)
                                             .add(millis(state.last_sync_at))
                                             .add(state.last_sync_error)
                                             .add(state.last_sync_records));
    return r.affected();
  }

  std::optional<store_api::TaskSyncState> task_sync(TaskId task_id) override {
    const auto r = c_.run("task_sync", Params{}.add(task_id));
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return store_api::TaskSyncState{timestamp(r.int64(0, 0)), r.optional_text(0, 1), r.int64(0, 2)};
  }

  std::vector<std::string> calling_job_groups(std::string_view after, std::int64_t limit) override {
    return c_.run("calling_job_groups", Params{}.add(after).add(limit))
        .read_all([](const Result& r, int row) { return std::string(r.text(row, 0)); });
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<store_api::CursorStore> make_cursors(Connection& c, store_api::TxMode) {
  return std::make_unique<PgCursors>(c);
}

}  // namespace dialtrack::storage::postgres
