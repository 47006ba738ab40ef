#include "storage/postgres/transaction.hpp"

#include <utility>
#include <vector>

#include "storage/common/lazy_ports.hpp"
#include "storage/common/names.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/postgres/pg_store.hpp"
#include "storage/postgres/ports.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::storage::postgres {

namespace {

/// One transaction on a connection borrowed from the pool, which it gives back when it ends.
class PgTransaction final : public LazyPortsTransaction<Connection> {
 public:
  /// Takes a connection from `store` and begins.
  PgTransaction(PgStore& store, TxMode mode) : PgTransaction(store, mode, store.acquire()) {}

  ~PgTransaction() override {
    if (!done_ && mode_ != TxMode::kSingleRead && !c_->broken()) {
      try {
        c_->exec("ROLLBACK");
      } catch (const store_api::StoreError&) {
        // The connection is marked broken and will be replaced by the pool.
      }
    }
    store_.release(std::move(c_));
  }

  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;

  void commit() override {
    if (mode_ != TxMode::kSingleRead) {
      c_->exec("COMMIT");
    }
    done_ = true;
  }

 private:
  PgTransaction(PgStore& store, TxMode mode, std::unique_ptr<Connection> connection)
      : LazyPortsTransaction(kPortFactories, *connection, mode),
        store_(store),
        mode_(mode),
        c_(std::move(connection)) {
    if (mode == TxMode::kSingleRead) {
      return;  // one statement, sent on its own: its own snapshot, no BEGIN or COMMIT
    }
    try {
      // Reads see one snapshot (as SQLite's do); writes use READ COMMITTED with conditional
      // updates and row locks, which re-check their conditions against the latest row.
      c_->exec(mode == TxMode::kWrite ? "BEGIN"
                                      : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    } catch (...) {
      store_.release(std::move(c_));
      throw;
    }
  }

  PgStore& store_;
  TxMode mode_;
  std::unique_ptr<Connection> c_;
  bool done_ = false;
};

}  // namespace

const std::vector<NamedStatement>& all_statements() {
  static const std::vector<NamedStatement> kAll = [] {
    std::vector<NamedStatement> all;
    for (const auto& port : {task_statements(), lead_statements(), record_statements(),
                             report_statements(), outbox_statements(), small_port_statements()}) {
      all.insert(all.end(), port.begin(), port.end());
    }
    return all;
  }();
  return kAll;
}

std::unique_ptr<store_api::Transaction> begin_transaction(PgStore& store, TxMode mode) {
  return std::make_unique<PgTransaction>(store, mode);
}

}  // namespace dialtrack::storage::postgres
