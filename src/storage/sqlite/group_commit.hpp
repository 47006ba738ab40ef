#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "storage/sqlite/sqlite_db.hpp"

namespace dialtrack::storage::sqlite {

/// Group commit on the one writer connection. An fsync costs milliseconds on real disks and
/// SQLite makes one per COMMIT, so one COMMIT per request caps writes at a few hundred per
/// second. Here each write transaction is a SAVEPOINT inside a shared transaction; the member
/// that finds nobody waiting behind it COMMITs for the whole group, and every member's
/// `commit()` returns only once that COMMIT is durable. A member that fails rolls back only its
/// savepoint; if the group's COMMIT fails, every member of the group gets the error.
class GroupCommit {
 public:
  explicit GroupCommit(Database& db) : db_(db) {}

  /// Waits for the writer, opens the shared transaction if none is open, starts a savepoint.
  /// Returns the writer lock, held until `leave`.
  std::unique_lock<std::mutex> enter();
  /// Ends the member: keeps (`keep`) or rolls back its savepoint, and commits the group when no
  /// other writer waits. Returns the group to wait for. Releases the writer lock.
  std::uint64_t leave(std::unique_lock<std::mutex> lock, bool keep);
  /// Blocks until `group` is committed; throws StoreError if its COMMIT failed.
  void wait_durable(std::uint64_t group);

 private:
  void commit_group_if_idle();

  static constexpr int kMaxGroup = 64;  // bounds how long a member may wait for its COMMIT

  Database& db_;
  std::mutex writer_;
  std::atomic<int> waiting_{0};
  // Guarded by writer_:
  bool open_ = false;
  int members_ = 0;
  std::uint64_t group_ = 0;
  // Guarded by durable_mutex_:
  std::mutex durable_mutex_;
  std::condition_variable durable_;
  std::uint64_t durable_group_ = 0;
  std::map<std::uint64_t, std::string> failures_;  ///< recent groups whose COMMIT failed
};

}  // namespace dialtrack::storage::sqlite
