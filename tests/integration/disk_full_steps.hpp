#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace dialtrack::test {

// Steps the full-disk tests share (SQLite on a small tmpfs, PostgreSQL with a tablespace on
// one): pushes of fresh call records until the database's disk refuses them, and the checks of
// what a refusal must look like and of what was kept.

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
/// The small volume each full-disk test puts its database on: small enough to fill in a few
/// seconds, large enough for the schema and a task of 2,000 leads.
constexpr std::uint64_t kVolumeBytes = 8 * kMiB;
/// What the filler leaves for the pushes: they fill it, then the filler's space is given back.
constexpr std::uint64_t kLeftFree = 3 * kMiB / 2;

/// A started server on `db` with a task of 2,000 phones, as each full-disk test begins.
struct ServerWithTask {
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<HttpConnection> http;
  std::vector<std::string> phones;
  std::int64_t task_id = 0;
};
ServerWithTask start_with_task(const std::string& db, std::string_view task_name);

/// What the pushes of `push_until_full` (and the ones after) were answered.
struct PushLog {
  std::set<std::string> acknowledged;  ///< call_ids of pushes answered 2xx
  std::set<std::string> refused;       ///< call_ids of pushes answered 507
  int acknowledged_pushes = 0;
  int refused_pushes = 0;
  int next_batch = 0;  ///< the index of the next batch, so call_ids stay fresh

  /// Adds another pusher's log (their batches were numbered apart).
  void merge(const PushLog& other);
};

/// How `push_until_full` pushes.
struct FillPlan {
  int records_per_push = 50;
  int refusals_wanted = 3;  ///< stop after this many refusals in a row
  int max_pushes = 2000;
};

/// Pushes batches of new records (with a padding field, so space goes fast) until the plan's
/// refusals in a row, at most its `max_pushes`. Every answer must be a 2xx or a 507 envelope
/// with `Retry-After` (never a 500); `after_each` runs after each push (the SQLite test watches
/// the WAL there).
void push_until_full(HttpConnection& http, std::int64_t task_id,
                     const std::vector<std::string>& phones, PushLog& log,
                     const std::function<void()>& after_each = {}, FillPlan plan = {});

/// Pushes `pushes` batches of 50 records that must all be acknowledged (space was freed).
void push_expecting_success(HttpConnection& http, std::int64_t task_id,
                            const std::vector<std::string>& phones, PushLog& log, int pushes);

/// Every acknowledged record is stored, and none of the refused ones is.
void expect_kept_exactly_the_acknowledged(HttpConnection& http, std::int64_t task_id,
                                          const PushLog& log);

/// Removes `filler`, then 20 pushes must all be acknowledged, and exactly the acknowledged
/// records are kept: writes resume without a restart once space is freed.
void free_space_and_expect_writes_resume(HttpConnection& http, std::int64_t task_id,
                                         const std::vector<std::string>& phones, PushLog& log,
                                         const std::filesystem::path& filler);

/// `dialtrack_storage_full_total` from `GET /metrics`.
double storage_full_total(HttpConnection& http);

}  // namespace dialtrack::test
