#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "domain/interface.hpp"
#include "store_api/cursors.hpp"
#include "store_api/errors.hpp"
#include "store_api/leads.hpp"
#include "store_api/leases.hpp"
#include "store_api/outbox.hpp"
#include "store_api/records.hpp"
#include "store_api/reports.hpp"
#include "store_api/tasks.hpp"

namespace dialtrack::store_api {

/// One database transaction, seen through one port per aggregate. It rolls back in its
/// destructor unless `commit()` was called. The ports it hands out live as long as it does and
/// all run on its one connection, so a use case that touches several aggregates stays atomic.
class Transaction : public domain::Interface {
 public:
  /// Makes every write of this transaction durable. Throws StoreError when it cannot.
  virtual void commit() = 0;

  virtual TaskStore& tasks() = 0;
  virtual LeadStore& leads() = 0;
  virtual RecordStore& records() = 0;
  virtual ReportStore& reports() = 0;
  virtual OutboxStore& outbox() = 0;
  virtual CursorStore& cursors() = 0;
  virtual LeaseStore& leases() = 0;
};

/// How busy the store's connections are, for the `/metrics` pool gauges.
struct PoolUse {
  int in_use = 0;  ///< connections lent to transactions now
  int size = 0;    ///< connections at most (SQLite: the read connections beside the writer)
};

/// Whether a transaction writes. Read transactions see one consistent snapshot and may run
/// beside writes; write transactions are serialised by the database. A single read runs one
/// statement only, which is its own snapshot: PostgreSQL sends it without BEGIN and COMMIT
/// (one round trip instead of three); elsewhere it is a read transaction.
enum class TxMode { kRead, kWrite, kSingleRead };

/// The database. Implementations: SQLite (embedded) and PostgreSQL (several instances), under
/// src/storage/.
class Store : public domain::Interface {
 public:
  /// "sqlite" or "postgresql", as reported by `/healthz`.
  [[nodiscard]] virtual std::string_view backend() const = 0;
  /// Applies the migrations that are missing; returns the schema version reached.
  virtual int migrate() = 0;
  /// Starts a transaction. Blocking: never call it on an I/O thread.
  virtual std::unique_ptr<Transaction> begin(TxMode mode) = 0;
  /// A read transaction (like TxMode::kRead: one snapshot) that never waits for a pool
  /// connection, a lock or the network, for a thread that must not block (an HTTP I/O thread): it
  /// runs on a connection the calling thread owns, opened on the thread's first call and closed
  /// with the store, and sees every write committed before it began. Throws StoreUnavailable rather
  /// than wait when the database is busy. Null when the store has no such reads (this default:
  /// PostgreSQL's reads cross the network); the caller then runs `begin` on a worker. `mode`
  /// is kRead or kSingleRead (one statement, its own snapshot: no BEGIN and COMMIT).
  virtual std::unique_ptr<Transaction> begin_nonblocking_read(TxMode mode) {
    static_cast<void>(mode);
    return nullptr;
  }
  /// The connections in use now; cheap, safe from any thread.
  [[nodiscard]] virtual PoolUse pool_use() const = 0;
  /// True when the database answers a trivial query within about `deadline`, for readiness
  /// probes; false (never an exception) when it does not. Blocking: never call it on an I/O
  /// thread. PostgreSQL asks the server on a connection of its own, outside the pool, so a busy
  /// pool does not make a healthy database look down. This default answers true at once: a
  /// database inside this process (SQLite) has no server that could stop answering.
  virtual bool ping(std::chrono::milliseconds deadline) {
    static_cast<void>(deadline);
    return true;
  }
};

}  // namespace dialtrack::store_api
