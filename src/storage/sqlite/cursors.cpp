#include "storage/common/names.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

CursorStatements::CursorStatements(Database& db)
    : find_sync_cursor(db,
                       "SELECT cursor, updated_at FROM dialer_sync_cursors "
                       "WHERE account = ?1 AND job_group_id = ?2"),
      insert_sync_cursor(db,
                         "INSERT INTO dialer_sync_cursors (account, job_group_id, "
                         "cursor, updated_at) VALUES (?1, ?2, ?3, ?4) "
                         "ON CONFLICT (account, job_group_id) DO NOTHING"),
      update_sync_cursor(db,
                         "UPDATE dialer_sync_cursors SET cursor = ?4, updated_at = ?5 "
                         "WHERE account = ?1 AND job_group_id = ?2 AND cursor = ?3"),
      record_sync(db,
                  "INSERT INTO task_sync_state (task_id, last_sync_at, last_sync_error, "
                  "last_sync_records) "
                  "SELECT task_id, ?2, ?3, ?4 FROM call_tasks WHERE job_group_id = ?1 "
                  "AND task_type <> 4 "
                  "ON CONFLICT (task_id) DO UPDATE SET last_sync_at = excluded.last_sync_at, "
                  "last_sync_error = excluded.last_sync_error, "
                  "last_sync_records = excluded.last_sync_records"),
      task_sync(db,
                "SELECT last_sync_at, last_sync_error, last_sync_records "
                "FROM task_sync_state WHERE task_id = ?1"),
      calling_job_groups(db,
                         "SELECT DISTINCT job_group_id FROM call_tasks WHERE task_type = 2 "
                         "AND job_group_id IS NOT NULL AND job_group_id > ?1 "
                         "ORDER BY job_group_id LIMIT ?2") {}

namespace {

/// The dialer cursors port: how far each job group was pulled from a dialer account, and how
/// each task's last pull went.
class SqliteCursors final : public store_api::CursorStore {
 public:
  explicit SqliteCursors(Connection& connection) : c_(connection) {}

  std::optional<store_api::SyncCursor> find_sync_cursor(std::string_view account,
                                                        std::string_view job_group_id) override {
    auto& s = c_.cursors->find_sync_cursor.bind(account, job_group_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return store_api::SyncCursor{s.text(0), timestamp(s.int64(1))};
  }

  bool advance_sync_cursor(std::string_view account, std::string_view job_group_id,
                           const std::optional<std::string>& expected, std::string_view next,
                           Timestamp now) override {
    if (expected) {
      c_.cursors->update_sync_cursor.bind(account, job_group_id, *expected, next, millis(now))
          .run();
    } else {
      c_.cursors->insert_sync_cursor.bind(account, job_group_id, next, millis(now)).run();
    }
    return c_.db.changes() == 1;
  }

  std::int64_t record_sync(std::string_view job_group_id,
                           const store_api::TaskSyncState& state) override {
    c_.cursors->record_sync
        .bind(job_group_id, millis(state.last_sync_at), state.last_sync_error,
              state.last_sync_records)
        .run();
    return c_.db.changes();
  }

  std::optional<store_api::TaskSyncState> task_sync(TaskId task_id) override {
    auto& s = c_.cursors->task_sync.bind(task_id);
    if (!s.step()) {
      return std::nullopt;
    }
    return store_api::TaskSyncState{timestamp(s.int64(0)), s.optional_text(1), s.int64(2)};
  }

  std::vector<std::string> calling_job_groups(std::string_view after, std::int64_t limit) override {
    return c_.cursors->calling_job_groups.bind(after, limit).read_all([](const Statement& s) {
      return s.text(0);
    });
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<store_api::CursorStore> make_cursors(Connection& c, store_api::TxMode) {
  return std::make_unique<SqliteCursors>(c);
}

}  // namespace dialtrack::storage::sqlite
