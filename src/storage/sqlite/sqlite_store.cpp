#include "storage/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <utility>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/group_commit.hpp"
#include "storage/sqlite/lead_keys.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_db.hpp"
#include "storage/sqlite/transaction.hpp"
#include "storage/sqlite/wal_keeper.hpp"

namespace dialtrack::storage::sqlite {

namespace {

std::atomic<std::uint64_t> next_store_id{1};

/// The calling thread's own read connection for the store it was last asked for, so that
/// finding it takes no lock (SqliteStore::begin_nonblocking_read).
struct ThreadReaderCache {
  std::uint64_t store = 0;
  Connection* connection = nullptr;
};
thread_local ThreadReaderCache thread_reader_cache;

}  // namespace

SqliteStore::SqliteStore(std::string path, int read_connections,
                         std::shared_ptr<spdlog::logger> log,
                         phone_key_backfill::PhoneKeyFn phone_key)
    : path_(std::move(path)),
      read_connections_(read_connections),
      log_(log),
      phone_key_(std::move(phone_key)),
      id_(next_store_id.fetch_add(1)) {
  writer_ = std::make_unique<Connection>(path_);
  // Checkpoint every 10,000 WAL pages (about 40 MB) instead of SQLite's 1,000: a batch of
  // records dirties its leads' pages (the report's per-phone aggregates), scattered over the
  // task; with fewer checkpoints a page written by many commits is copied back once.
  // Measured: ingestion 27,000 -> 33,000 records/s (bench/README.md).
  writer_->db.exec("PRAGMA wal_autocheckpoint = 10000");
  wal_keeper_ = std::make_unique<WalKeeper>(writer_->db, path_, std::move(log));
  group_commit_ = std::make_unique<GroupCommit>(writer_->db, *wal_keeper_);
  migrate();
  writer_->prepare();
  for (int i = 0; i < read_connections; ++i) {
    auto reader = std::make_unique<Connection>(path_);
    reader->prepare();
    readers_.push_back(std::move(reader));
  }
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::migrate() {
  const auto lock = group_commit_->exclusive();
  auto& db = writer_->db;
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  db.exec("BEGIN IMMEDIATE");
  try {
    Statement applied(db, "SELECT version FROM schema_migrations");
    applied.bind();
    std::set<std::int64_t> done;
    while (applied.step()) {
      done.insert(applied.int64(0));
    }
    Statement record(db,
                     "INSERT INTO schema_migrations (version, description, applied_at) "
                     "VALUES (?1, ?2, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
    const int reached = apply_missing(migrations(), done, [&](const Migration& m) {
      db.exec(m.sql);
      if (m.version == kPhoneKeysVersion) {
        key_leads(db, phone_key_, log_.get());
      }
      record.bind(m.version, m.description).run();
    });
    db.exec("COMMIT");
    return reached;
  } catch (...) {
    sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::unique_ptr<store_api::Transaction> SqliteStore::begin(store_api::TxMode mode) {
  if (mode == store_api::TxMode::kWrite) {
    return begin_write(*writer_, *group_commit_);
  }
  std::unique_lock lock(readers_mutex_);
  reader_released_.wait(lock, [this] { return !readers_.empty(); });
  auto reader = std::move(readers_.back());
  readers_.pop_back();
  lock.unlock();
  return begin_read(*this, std::move(reader));
}

std::unique_ptr<store_api::Transaction> SqliteStore::begin_nonblocking_read(
    store_api::TxMode mode) {
  auto& cache = thread_reader_cache;
  if (cache.store != id_) {
    const std::lock_guard lock(thread_readers_mutex_);
    auto& reader = thread_readers_[std::this_thread::get_id()];
    if (!reader) {
      reader = std::make_unique<Connection>(path_);
      reader->db.exec("PRAGMA busy_timeout = 0");
      reader->prepare();
    }
    cache = {id_, reader.get()};
  }
  return begin_thread_read(*cache.connection, mode);
}

store_api::PoolUse SqliteStore::pool_use() const {
  const std::lock_guard lock(readers_mutex_);
  return store_api::PoolUse{read_connections_ - static_cast<int>(readers_.size()),
                            read_connections_};
}

void SqliteStore::release_reader(std::unique_ptr<Connection> connection) {
  {
    const std::lock_guard lock(readers_mutex_);
    readers_.push_back(std::move(connection));
  }
  reader_released_.notify_one();
}

}  // namespace dialtrack::storage::sqlite
