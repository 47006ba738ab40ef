#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/common/names.hpp"
#include "store_api/store.hpp"

/// The two small ports, the dialer cursors and the leases, written once for both backends: they
/// do the same on SQLite and PostgreSQL but for the SQL, which each backend's small_ports.cpp
/// gives with how it runs a statement.
namespace dialtrack::storage::small_ports {

/// The statements of the two ports, each a backend's handle `S` (a prepared statement, or a
/// statement's name and SQL).
template <typename S>
struct Statements {
  // The cursors port: how far each job group was pulled from a dialer account, and how each
  // task's last pull went.
  S find_sync_cursor, insert_sync_cursor, update_sync_cursor, record_sync, task_sync,
      calling_job_groups;
  // The leases port: named leases that let one instance at a time run a background job.
  S acquire_lease, release_lease;
};

/// Both ports over a backend's `Run`, which holds `statements` (a Statements of its handles)
/// and runs one of them with parameters:
/// - `run.write(s, params...)`: the number of rows it changed;
/// - `run.first(s, read, params...)`: its first row as `read(row)` makes it, or none;
/// - `run.all(s, read, params...)`: every row made so, in order;
/// where a row gives `text(column)`, `optional_text(column)` and `int64(column)`.
template <typename Run>
class Ports final : public store_api::CursorStore, public store_api::LeaseStore {
 public:
  explicit Ports(Run run) : run_(run), s_(run_.statements) {}

  std::optional<store_api::SyncCursor> find_sync_cursor(std::string_view account,
                                                        std::string_view job_group_id) override {
    const auto read = [](const auto& row) {
      return store_api::SyncCursor{std::string(row.text(0)), timestamp(row.int64(1))};
    };
    return run_.first(s_.find_sync_cursor, read, account, job_group_id);
  }

  bool advance_sync_cursor(std::string_view account, std::string_view job_group_id,
                           const std::optional<std::string>& expected, std::string_view next,
                           Timestamp now) override {
    const auto changed =
        expected
            ? run_.write(s_.update_sync_cursor, account, job_group_id, *expected, next, millis(now))
            : run_.write(s_.insert_sync_cursor, account, job_group_id, next, millis(now));
    return changed == 1;
  }

  std::int64_t record_sync(std::string_view job_group_id,
                           const store_api::TaskSyncState& state) override {
    return run_.write(s_.record_sync, job_group_id, millis(state.last_sync_at),
                      state.last_sync_error, state.last_sync_records);
  }

  std::optional<store_api::TaskSyncState> task_sync(TaskId task_id) override {
    const auto read = [](const auto& row) {
      return store_api::TaskSyncState{timestamp(row.int64(0)), row.optional_text(1), row.int64(2)};
    };
    return run_.first(s_.task_sync, read, task_id);
  }

  std::vector<std::string> calling_job_groups(std::string_view after, std::int64_t limit) override {
    const auto read = [](const auto& row) { return std::string(row.text(0)); };
    return run_.all(s_.calling_job_groups, read, after, limit);
  }

  bool acquire_lease(std::string_view name, std::string_view holder, Timestamp now,
                     std::chrono::milliseconds ttl) override {
    return run_.write(s_.acquire_lease, name, holder, millis(now), millis(now + ttl)) == 1;
  }

  void release_lease(std::string_view name, std::string_view holder) override {
    run_.write(s_.release_lease, name, holder);
  }

 private:
  Run run_;
  decltype(Run::statements) s_;
};

}  // namespace dialtrack::storage::small_ports
