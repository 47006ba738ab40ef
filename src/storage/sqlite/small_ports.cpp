#include "storage/common/small_ports.hpp"

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/ports.hpp"

namespace dialtrack::storage::sqlite {

small_ports::Statements<Statement> small_port_statements(Database& db) {
  return {
      .find_sync_cursor = {db,
                           "SELECT cursor, updated_at FROM dialer_sync_cursors "
                           "WHERE account = ?1 AND job_group_id = ?2"},
      .insert_sync_cursor = {db,
                             "INSERT INTO dialer_sync_cursors (account, job_group_id, "
                             "cursor, updated_at) VALUES (?1, ?2, ?3, ?4) "
                             "ON CONFLICT (account, job_group_id) DO NOTHING"},
      .update_sync_cursor = {db,
                             "UPDATE dialer_sync_cursors SET cursor = ?4, updated_at = ?5 "
                             "WHERE account = ?1 AND job_group_id = ?2 AND cursor = ?3"},
      .record_sync = {db,
                      "INSERT INTO task_sync_state (task_id, last_sync_at, last_sync_error, "
                      "last_sync_records) "
                      "SELECT task_id, ?2, ?3, ?4 FROM call_tasks WHERE job_group_id = ?1 "
                      "AND task_type <> 4 "
                      "ON CONFLICT (task_id) DO UPDATE SET last_sync_at = excluded.last_sync_at, "
                      "last_sync_error = excluded.last_sync_error, "
                      "last_sync_records = excluded.last_sync_records"},
      .task_sync = {db,
                    "SELECT last_sync_at, last_sync_error, last_sync_records "
                    "FROM task_sync_state WHERE task_id = ?1"},
      .calling_job_groups = {db,
                             "SELECT DISTINCT job_group_id FROM call_tasks WHERE task_type = 2 "
                             "AND job_group_id IS NOT NULL AND job_group_id > ?1 "
                             "ORDER BY job_group_id LIMIT ?2"},
      .acquire_lease = {db,
                        "INSERT INTO job_leases (name, holder, expires_at) "
                        "VALUES (?1, ?2, ?4) ON CONFLICT (name) DO UPDATE "
                        "SET holder = excluded.holder, expires_at = excluded.expires_at "
                        "WHERE job_leases.holder = excluded.holder "
                        "OR job_leases.expires_at < ?3"},
      .release_lease = {db, "DELETE FROM job_leases WHERE name = ?1 AND holder = ?2"},
  };
}

namespace {

/// How small_ports::Ports runs a statement here: bound, then stepped; a write's count is the
/// connection's count of rows the last statement changed.
struct Run {
  Connection& c;
  small_ports::Statements<Statement>& statements = *c.small;

  template <typename... Params>
  std::int64_t write(Statement& s, const Params&... params) const {
    s.bind(params...).run();
    return c.db.changes();
  }

  template <typename Read, typename... Params>
  auto first(Statement& s, Read read, const Params&... params) const
      -> std::optional<std::invoke_result_t<Read&, const Statement&>> {
    if (!s.bind(params...).step()) {
      return std::nullopt;
    }
    return read(s);
  }

  template <typename Read, typename... Params>
  auto all(Statement& s, Read read, const Params&... params) const {
    return s.bind(params...).read_all(read);
  }
};

}  // namespace

std::unique_ptr<store_api::CursorStore> make_cursors(Connection& c, store_api::TxMode) {
  return std::make_unique<small_ports::Ports<Run>>(Run{c});
}

std::unique_ptr<store_api::LeaseStore> make_leases(Connection& c, store_api::TxMode) {
  return std::make_unique<small_ports::Ports<Run>>(Run{c});
}

}  // namespace dialtrack::storage::sqlite
