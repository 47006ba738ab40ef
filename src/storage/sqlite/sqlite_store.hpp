#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/common/phone_key_backfill.hpp"
#include "store_api/store.hpp"

namespace spdlog {
class logger;
}

namespace dialtrack::storage::sqlite {

struct Connection;
class GroupCommit;
class WalKeeper;

/// The embedded store: one SQLite file in WAL mode. Writes go through one connection, one
/// transaction at a time, committed in groups (`BEGIN IMMEDIATE`, so other processes on the
/// same file wait rather than fail); reads use a small pool of connections that run beside the
/// writer. `synchronous=FULL`, and a write transaction's `commit()` returns only once its
/// group's COMMIT is done: it survives a crash of the process or the machine. A full disk fails
/// writes with StoreFull; the WAL is kept within the volume's free space (wal_keeper.hpp), so
/// writes resume by themselves once a few MB are free.
class SqliteStore final : public store_api::Store {
 public:
  /// Opens the file at `path` (creating it), applies the missing migrations, and prepares the
  /// writer and `read_connections` read connections. Throws StoreError when it cannot. `log`
  /// (may be null) tells of a full disk and of the WAL kept small for it, and of the migrations.
  /// `phone_key` keys the leads stored before phone keys (the normalised phone when empty).
  SqliteStore(std::string path, int read_connections, std::shared_ptr<spdlog::logger> log = nullptr,
              phone_key_backfill::PhoneKeyFn phone_key = {});
  ~SqliteStore() override;

  [[nodiscard]] std::string_view backend() const override { return "sqlite"; }
  int migrate() override;
  std::unique_ptr<store_api::Transaction> begin(store_api::TxMode mode) override;
  /// On the calling thread's own read connection (not one of the pool's), opened on its first
  /// call with no busy timeout: a reader of a WAL database waits for no writer, and in the rare
  /// case it would (a WAL being reset), the read fails with StoreUnavailable at once.
  std::unique_ptr<store_api::Transaction> begin_nonblocking_read(store_api::TxMode mode) override;
  [[nodiscard]] store_api::PoolUse pool_use() const override;

  /// Returns a read connection to the pool; used by read transactions when they end.
  void release_reader(std::unique_ptr<Connection> connection);

 private:
  std::string path_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<WalKeeper> wal_keeper_;
  std::unique_ptr<GroupCommit> group_commit_;  ///< also the writer's lock for migrations
  mutable std::mutex readers_mutex_;
  std::condition_variable reader_released_;
  std::vector<std::unique_ptr<Connection>> readers_;
  int read_connections_ = 0;
  std::shared_ptr<spdlog::logger> log_;
  phone_key_backfill::PhoneKeyFn phone_key_;
  /// Tells this store from the others in a thread's cache of its own read connection.
  std::uint64_t id_;
  /// The read connections of the threads that asked begin_nonblocking_read, one each, closed
  /// with the store.
  std::mutex thread_readers_mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> thread_readers_;
};

}  // namespace dialtrack::storage::sqlite
