#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "storage/sqlite/sqlite_db.hpp"

namespace spdlog {
class logger;
}

namespace dialtrack::storage::sqlite {

/// Keeps the WAL from holding space the volume does not have.
///
/// The writer checkpoints every 10,000 WAL pages (sqlite_store.cpp), so the `-wal` file grows to
/// about 40 MB, and a checkpoint needs free space for the database pages it adds. On a nearly
/// full volume that goes wrong twice: the WAL takes the last free megabytes and then cannot be
/// checkpointed (its new pages have nowhere to go), and space freed by the operator goes
/// straight into the WAL again. So:
/// - when the volume has less free space than the WAL plus `kHeadroom`, every commit is followed
///   by a checkpoint that truncates the WAL: it never holds more than one group commit, and
///   what it held is in the database file, where a checkpoint needs no more space;
/// - a write that fails for space is followed by the same checkpoint, so the failed attempt's
///   frames are given back, and every group tries it again first until a write succeeds;
/// - an idle writer truncates the WAL, so its space is free while nothing is written.
/// Checkpoints never weaken durability: they copy committed pages, and `synchronous=FULL`
/// syncs the database file before the WAL is truncated.
///
/// Every method runs on the writer connection with the writer's lock held and no transaction
/// open (GroupCommit calls them), and none throws: a checkpoint that cannot run now is tried
/// again at the next occasion.
class WalKeeper {
 public:
  /// Free space below the WAL's size plus this puts the writer in its tight mode: larger than
  /// the WAL a group commit writes (a push is at most 8 MiB of JSON), small beside a disk.
  static constexpr std::uint64_t kHeadroom = std::uint64_t{64} << 20;

  /// `db` is the writer connection of the database file at `path`; `log` (may be null) tells
  /// the operator when writes are refused for space, when they succeed again, and when the
  /// writer enters or leaves its tight mode.
  WalKeeper(Database& db, const std::string& path, std::shared_ptr<spdlog::logger> log);

  /// Before a group commit begins: after a write failed for space, or in tight mode, gives the
  /// WAL's space back first (the operator may have freed some since).
  void before_group();
  /// After a group's COMMIT succeeded: in tight mode (or entering it), truncates the WAL.
  void after_commit();
  /// After a write failed because the volume is full (the transaction is rolled back).
  void after_space_failure();
  /// When no write came for a while; returns false when the WAL could not be truncated (a
  /// reader still uses it), so the caller tries again later.
  bool when_idle();

 private:
  struct Space {
    std::uint64_t free = 0;  ///< bytes the volume still has for unprivileged writers
    std::uint64_t wal = 0;   ///< bytes of the -wal file
  };
  [[nodiscard]] Space space() const;
  /// Checkpoints the whole WAL into the database and truncates it to zero bytes, waiting up to
  /// `busy` for readers of older snapshots. True when the WAL is now empty.
  bool truncate(std::chrono::milliseconds busy, Space before);

  Database& db_;
  std::string path_;
  std::string directory_;
  std::string wal_path_;
  std::shared_ptr<spdlog::logger> log_;
  int busy_timeout_ms_ = 0;         ///< the connection's own, restored after each checkpoint
  bool refused_ = false;            ///< a write failed for space and none has succeeded since
  bool tight_ = false;              ///< free space is below the WAL plus kHeadroom
  bool stuck_logged_ = false;       ///< a checkpoint failed for space in this episode (logged once)
  bool reader_in_the_way_ = false;  ///< the last checkpoint could not finish for a reader
};

}  // namespace dialtrack::storage::sqlite
