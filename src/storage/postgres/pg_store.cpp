#include "storage/postgres/pg_store.hpp"

#include <set>
#include <utility>

#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/postgres/transaction.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::storage::postgres {

using store_api::PoolUse;
using store_api::StoreUnavailable;
using store_api::Transaction;
using store_api::TxMode;

PgStore::PgStore(std::string url, PgOptions options) : url_(std::move(url)), options_(options) {
  migrate();
}

PgStore::~PgStore() = default;

int PgStore::migrate() {
  Connection c(url_, {});
  c.exec("BEGIN");
  // Instances starting together take turns: the lock is held until this transaction ends.
  // Everything, even CREATE ... IF NOT EXISTS (not safe against a concurrent create), runs
  // under it.
  c.exec("SELECT pg_advisory_xact_lock(7316435927001)");
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
      "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
  const auto applied = c.exec("SELECT version FROM schema_migrations");
  std::set<std::int64_t> done;
  for (int i = 0; i < applied.rows(); ++i) {
    done.insert(applied.int64(i, 0));
  }
  const int reached = apply_missing(migrations(), done, [&c](const Migration& m) {
    c.exec(m.sql);
    const std::string record = "INSERT INTO schema_migrations (version, description) VALUES (" +
                               std::to_string(m.version) + ", '" + m.description + "')";
    c.exec(record.c_str());
  });
  c.exec("COMMIT");
  return reached;
}

std::unique_ptr<Connection> PgStore::acquire() {
  std::unique_lock lock(mutex_);
  const bool available = released_.wait_for(lock, options_.acquire_timeout, [this] {
    return !idle_.empty() || open_ < options_.pool_size;
  });
  if (!available) {
    throw StoreUnavailable("PostgreSQL: all " + std::to_string(options_.pool_size) +
                           " pool connections stayed busy for " +
                           std::to_string(options_.acquire_timeout.count()) + " ms");
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    if (!connection->broken()) {
      return connection;
    }
    --open_;  // replaced below
  }
  ++open_;
  lock.unlock();
  try {
    return std::make_unique<Connection>(url_, all_statements());
  } catch (...) {
    lock.lock();
    --open_;
    released_.notify_one();
    throw;
  }
}

void PgStore::release(std::unique_ptr<Connection> connection) {
  {
    const std::lock_guard lock(mutex_);
    if (connection->broken()) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  released_.notify_one();
}

PoolUse PgStore::pool_use() const {
  const std::lock_guard lock(mutex_);
  return PoolUse{open_ - static_cast<int>(idle_.size()), options_.pool_size};
}

std::unique_ptr<Transaction> PgStore::begin(TxMode mode) {
  return begin_transaction(*this, mode);
}

}  // namespace dialtrack::storage::postgres
