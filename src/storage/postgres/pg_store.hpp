#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store_api/store.hpp"

namespace dialtrack::storage::postgres {

class Connection;

struct PgOptions {
  int pool_size = 10;  ///< connections at most; a request waits for one up to acquire_timeout
  std::chrono::milliseconds acquire_timeout{5'000};
};

/// The production store: PostgreSQL through libpq, with a bounded pool of connections on which
/// every statement is prepared once. Writes are set-based (arrays and `unnest`) and every state
/// change is a conditional update, so any number of service instances can share the database.
/// A lost connection fails the transaction with StoreUnavailable and is replaced; the store
/// reconnects by itself when the server is back.
class PgStore final : public store_api::Store {
 public:
  PgStore(std::string url, PgOptions options);
  ~PgStore() override;

  [[nodiscard]] std::string_view backend() const override { return "postgresql"; }
  int migrate() override;
  std::unique_ptr<store_api::Transaction> begin(store_api::TxMode mode) override;
  [[nodiscard]] store_api::PoolUse pool_use() const override;

  /// Takes a connection from the pool, opening one if the pool is not full.
  std::unique_ptr<Connection> acquire();
  /// Gives a connection back; a broken one is closed instead.
  void release(std::unique_ptr<Connection> connection);

 private:
  std::string url_;
  PgOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

}  // namespace dialtrack::storage::postgres
