#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/common/phone_key_backfill.hpp"
#include "store_api/store.hpp"

namespace spdlog {
class logger;
}

namespace dialtrack::storage::postgres {

class Connection;

struct PgOptions {
  int pool_size = 10;  ///< connections at most; a request waits for one up to acquire_timeout
  std::chrono::milliseconds acquire_timeout{5'000};
  /// Connecting, and each statement, waits this long for the server at most.
  std::chrono::milliseconds query_timeout{5'000};
  /// At start, how long to keep trying while the server refuses connections or is not up yet.
  std::chrono::milliseconds connect_wait{60'000};
  /// Where the start-up attempts and migrations are logged; none: not logged.
  std::shared_ptr<spdlog::logger> log;
  /// The key of a phone, for leads stored before phone keys (phone_key_backfill).
  phone_key_backfill::PhoneKeyFn phone_key;
};

/// The production store: PostgreSQL through libpq, with a bounded pool of connections on which
/// every statement is prepared once. Writes are set-based (arrays and `unnest`) and every state
/// change is a conditional update, so any number of service instances can share the database.
/// Every wait for the server is bounded (query_timeout): a server that stops answering fails
/// transactions with StoreUnavailable, never hangs them. A lost connection fails its
/// transaction with StoreUnavailable and is replaced; pooled connections that the server closed
/// while idle (a restart) are replaced before use; the store reconnects by itself when the
/// server is back.
class PgStore final : public store_api::Store {
 public:
  /// Connects and applies the missing migrations. While the server refuses connections or does
  /// not answer, tries again with growing pauses for up to `options.connect_wait`, logging each
  /// failed attempt; then throws StoreUnavailable with the last reason. A malformed URL throws
  /// StoreError at once.
  PgStore(std::string url, PgOptions options);
  ~PgStore() override;

  [[nodiscard]] std::string_view backend() const override { return "postgresql"; }
  int migrate() override;
  std::unique_ptr<store_api::Transaction> begin(store_api::TxMode mode) override;
  [[nodiscard]] store_api::PoolUse pool_use() const override;
  bool ping(std::chrono::milliseconds deadline) override;

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
  /// Readiness probes' own connection, outside the pool (kept between probes).
  std::mutex ping_mutex_;
  std::unique_ptr<Connection> ping_connection_;

  /// migrate(), tried again while the server is unavailable, up to connect_wait.
  void migrate_when_available();
};

}  // namespace dialtrack::storage::postgres
