#include "storage/common/small_ports.hpp"

#include "storage/postgres/ports.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// The two ports' statements, prepared by name on every connection (small_port_statements).
const small_ports::Statements<NamedStatement>& statements() {
  static const small_ports::Statements<NamedStatement> kStatements{
      .find_sync_cursor = {"find_sync_cursor",
                           "SELECT cursor, updated_at FROM dialer_sync_cursors "
                           "WHERE account = $1 AND job_group_id = $2"},
      .insert_sync_cursor =
          {"insert_sync_cursor",
           "INSERT INTO dialer_sync_cursors (account, job_group_id, cursor, updated_at) "
           "VALUES ($1, $2, $3, $4) ON CONFLICT (account, job_group_id) DO NOTHING"},
      .update_sync_cursor = {"update_sync_cursor",
                             "UPDATE dialer_sync_cursors SET cursor = $4, updated_at = $5 "
                             "WHERE account = $1 AND job_group_id = $2 AND cursor = $3"},
      .record_sync =
          {"record_sync",
           "INSERT INTO task_sync_state (task_id, last_sync_at, last_sync_error, "
           "last_sync_records) "
           "SELECT task_id, $2, $3, $4 FROM call_tasks WHERE job_group_id = $1 AND task_type <> 4 "
           "ON CONFLICT (task_id) DO UPDATE SET last_sync_at = excluded.last_sync_at, "
           "last_sync_error = excluded.last_sync_error, "
           "last_sync_records = excluded.last_sync_records"},
      .task_sync = {"task_sync",
                    "SELECT last_sync_at, last_sync_error, last_sync_records FROM task_sync_state "
                    "WHERE task_id = $1"},
      // Byte order (COLLATE "C"), as SQLite compares text, so `after` pages the same way.
      .calling_job_groups = {"calling_job_groups",
                             "SELECT DISTINCT job_group_id COLLATE \"C\" FROM call_tasks "
                             "WHERE task_type = 2 AND job_group_id IS NOT NULL "
                             "AND job_group_id COLLATE \"C\" > $1 ORDER BY 1 LIMIT $2"},
      .acquire_lease =
          {"acquire_lease",
           "INSERT INTO job_leases AS l (name, holder, expires_at) VALUES ($1, $2, $4) "
           "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
           "expires_at = excluded.expires_at "
           "WHERE l.holder = excluded.holder OR l.expires_at < $3"},
      .release_lease = {"release_lease", "DELETE FROM job_leases WHERE name = $1 AND holder = $2"},
  };
  return kStatements;
}

/// A row of a result, as small_ports::Ports reads it.
struct Row {
  const Result& r;
  int row;

  [[nodiscard]] std::string_view text(int column) const { return r.text(row, column); }
  [[nodiscard]] std::optional<std::string> optional_text(int column) const {
    return r.optional_text(row, column);
  }
  [[nodiscard]] std::int64_t int64(int column) const { return r.int64(row, column); }
};

/// How small_ports::Ports runs a statement here: prepared by name, its parameters as text.
struct Run {
  Connection& c;
  const small_ports::Statements<NamedStatement>& statements = postgres::statements();

  template <typename... Values>
  Result run(const NamedStatement& s, const Values&... values) const {
    Params params;
    (params.add(values), ...);
    return c.run(s.name, params);
  }

  template <typename... Values>
  std::int64_t write(const NamedStatement& s, const Values&... values) const {
    return run(s, values...).affected();
  }

  template <typename Read, typename... Values>
  auto first(const NamedStatement& s, Read read, const Values&... values) const
      -> std::optional<std::invoke_result_t<Read&, const Row&>> {
    const auto r = run(s, values...);
    if (r.rows() == 0) {
      return std::nullopt;
    }
    return read(Row{r, 0});
  }

  template <typename Read, typename... Values>
  auto all(const NamedStatement& s, Read read, const Values&... values) const {
    return run(s, values...).read_all([&read](const Result& r, int row) {
      return read(Row{r, row});
    });
  }
};

}  // namespace

std::vector<NamedStatement> small_port_statements() {
  const auto& s = statements();
  return {s.find_sync_cursor, s.insert_sync_cursor, s.update_sync_cursor, s.record_sync,
          s.task_sync,        s.calling_job_groups, s.acquire_lease,      s.release_lease};
}

std::unique_ptr<store_api::CursorStore> make_cursors(Connection& c, store_api::TxMode) {
  return std::make_unique<small_ports::Ports<Run>>(Run{c});
}

std::unique_ptr<store_api::LeaseStore> make_leases(Connection& c, store_api::TxMode) {
  return std::make_unique<small_ports::Ports<Run>>(Run{c});
}

}  // namespace dialtrack::storage::postgres
