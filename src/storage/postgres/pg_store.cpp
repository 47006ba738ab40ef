#include "storage/postgres/pg_store.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "storage/postgres/lead_keys.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/postgres/transaction.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::storage::postgres {

using store_api::PoolUse;
using store_api::StoreError;
using store_api::StoreUnavailable;
using store_api::Transaction;
using store_api::TxMode;

namespace {

using Clock = std::chrono::steady_clock;

/// Pauses between start-up attempts: from the first, doubling up to the last, so a server that
/// comes up is found within a couple of seconds and a refusing one is not hammered.
constexpr std::chrono::milliseconds kFirstPause{100};
constexpr std::chrono::milliseconds kLongestPause{2'000};
/// Migrations may rewrite whole tables: each statement gets at least this long.
constexpr std::chrono::milliseconds kMigrationStatement{30'000};

/// A URL that libpq cannot read will not get better by waiting.
void check_url(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string message = "the PostgreSQL URL is not valid: ";
    message += error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') {
      message.pop_back();
    }
    throw StoreError(message);
  }
  PQconninfoFree(options);
}

/// The pause before the next attempt: `pause` less up to a half of it at random, so instances
/// started together do not knock in step.
std::chrono::milliseconds jittered(std::chrono::milliseconds pause) {
  thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_int_distribution<std::int64_t> pick(0, pause.count() / 2);
  return pause - std::chrono::milliseconds(pick(random));
}

}  // namespace

PgStore::PgStore(std::string url, PgOptions options)
    : url_(std::move(url)), options_(std::move(options)) {
  check_url(url_);
  migrate_when_available();
}

PgStore::~PgStore() = default;

void PgStore::migrate_when_available() {
  const auto give_up = Clock::now() + options_.connect_wait;
  auto pause = kFirstPause;
  for (int attempt = 1;; ++attempt) {
    try {
      migrate();
      if (attempt > 1 && options_.log) {
        options_.log->info("PostgreSQL accepted the connection at attempt {}", attempt);
      }
      return;
    } catch (const StoreUnavailable& e) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now());
      if (left.count() <= 0) {
        throw StoreUnavailable("PostgreSQL is still unavailable after " + std::to_string(attempt) +
                               (attempt == 1 ? " attempt" : " attempts") + " in " +
                               std::to_string(options_.connect_wait.count()) +
                               " ms (database.connect_wait_ms); the last one: " + e.what());
      }
      const auto next = std::min(jittered(pause), left);
      if (options_.log) {
        options_.log->warn(
            "PostgreSQL is not available (attempt {}): {}; trying again in {} ms, giving up in "
            "{} ms (database.connect_wait_ms)",
            attempt, e.what(), next.count(), left.count());
      }
      std::this_thread::sleep_for(next);
      pause = std::min(pause * 2, kLongestPause);
    }
  }
}

int PgStore::migrate() {
  Connection c(
      url_, {},
      Deadlines{options_.query_timeout, std::max(options_.query_timeout, kMigrationStatement)});
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
  const int reached = apply_missing(migrations(), done, [&](const Migration& m) {
    c.exec(m.sql);
    if (m.version == kPhoneKeysVersion) {
      key_leads(c, options_.phone_key, options_.log.get());
    }
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
    return std::make_unique<Connection>(url_, all_statements(),
                                        Deadlines{options_.query_timeout, options_.query_timeout});
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

bool PgStore::ping(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  const std::lock_guard lock(ping_mutex_);
  try {
    if (!ping_connection_ || ping_connection_->broken()) {
      ping_connection_.reset();
      ping_connection_ = std::make_unique<Connection>(url_, std::span<const NamedStatement>{},
                                                      Deadlines{deadline, deadline});
    }
    // Connecting took part of the deadline; the query gets what is left.
    ping_connection_->set_statement_deadline(
        std::max(std::chrono::milliseconds(1),
                 std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now())));
    ping_connection_->exec("SELECT 1");
    return true;
  } catch (const StoreError&) {
    ping_connection_.reset();
    return false;
  }
}

std::unique_ptr<Transaction> PgStore::begin(TxMode mode) {
  return begin_transaction(*this, mode);
}

}  // namespace dialtrack::storage::postgres
