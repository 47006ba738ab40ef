#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "storage/sqlite/sqlite_db.hpp"

namespace dialtrack::storage::sqlite {

class WalKeeper;

/// Group commit on the one writer connection. An fsync costs milliseconds on real disks and
/// SQLite makes one per COMMIT, so one COMMIT per request caps writes at a few hundred per
/// second. Here each write transaction is a SAVEPOINT inside a shared transaction; the member
/// that finds nobody waiting behind it COMMITs for the whole group, and every member's
/// `commit()` returns only once that COMMIT is durable. A member that fails rolls back only its
/// savepoint; if the group's COMMIT fails, every member of the group gets the error (of the
/// same kind: a full disk stays StoreFull). When SQLite itself rolls back the shared
/// transaction after a member's error (it does for a full disk or an I/O error in the middle
/// of a statement), the members that already left lost their writes too and get the error.
///
/// Between groups the writer lets `wal` keep the WAL within the volume's free space; a thread
/// of its own truncates the WAL once no write came for `kIdleBeforeTruncate`.
class GroupCommit {
 public:
  GroupCommit(Database& db, WalKeeper& wal);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  /// Waits for the writer, opens the shared transaction if none is open, starts a savepoint.
  /// Returns the writer lock, held until `leave`.
  std::unique_lock<std::mutex> enter();
  /// Ends the member: keeps (`keep`) or rolls back its savepoint, and commits the group when no
  /// other writer waits. Returns the group to wait for. Releases the writer lock.
  std::uint64_t leave(std::unique_lock<std::mutex> lock, bool keep);
  /// Blocks until `group` is committed; throws the StoreError its COMMIT failed with.
  void wait_durable(std::uint64_t group);
  /// The writer with no transaction open (an open group is committed first), for work outside
  /// the group commit such as migrations.
  std::unique_lock<std::mutex> exclusive();

  /// How long the writer must have been idle before its WAL is truncated.
  static constexpr std::chrono::milliseconds kIdleBeforeTruncate{1000};

 private:
  /// Commits the open group unless another writer waits to join it (and it is not full yet).
  void commit_group_if_idle();
  /// Commits the open group, if any.
  void commit_group();
  /// Ends the open group with `failure` (null: durable) and wakes its members.
  void finish_group(std::exception_ptr failure);
  void truncate_when_idle();

  static constexpr int kMaxGroup = 64;  // bounds how long a member may wait for its COMMIT

  Database& db_;
  WalKeeper& wal_;
  std::mutex writer_;
  std::atomic<int> waiting_{0};
  // Guarded by writer_:
  bool open_ = false;
  int members_ = 0;
  std::uint64_t group_ = 0;
  std::int64_t changes_at_last_commit_ = 0;  ///< sqlite3_total_changes64 then
  // Guarded by durable_mutex_:
  std::mutex durable_mutex_;
  std::condition_variable durable_;
  std::uint64_t durable_group_ = 0;
  std::map<std::uint64_t, std::exception_ptr> failures_;  ///< recent groups whose COMMIT failed
  // Guarded by idle_mutex_:
  std::mutex idle_mutex_;
  std::condition_variable idle_wake_;
  bool stopping_ = false;
  bool wal_written_ = false;  ///< a commit since the WAL was last truncated
  std::chrono::steady_clock::time_point last_write_;
  std::thread idle_;  ///< last: started once everything above is set up
};

}  // namespace dialtrack::storage::sqlite
