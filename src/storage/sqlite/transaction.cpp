#include "storage/sqlite/transaction.hpp"

#include <sqlite3.h>

#include <mutex>
#include <utility>

#include "storage/common/lazy_ports.hpp"
#include "storage/common/names.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/group_commit.hpp"
#include "storage/sqlite/ports.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::storage::sqlite {

namespace {

/// A read transaction on a pooled connection, given back to the store when it ends.
class ReadTransaction final : public LazyPortsTransaction<Connection> {
 public:
  ReadTransaction(SqliteStore& store, std::unique_ptr<Connection> reader)
      : LazyPortsTransaction(kPortFactories, *reader, TxMode::kRead),
        store_(store),
        reader_(std::move(reader)) {
    try {
      reader_->db.run("BEGIN");
    } catch (const store_api::StoreError&) {
      store_.release_reader(std::move(reader_));
      throw;
    }
  }

  ~ReadTransaction() override {
    if (!done_) {  // commit() reset the statements already
      reader_->db.reset_statements();
      sqlite3_exec(reader_->db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    store_.release_reader(std::move(reader_));
  }

  void commit() override {
    reader_->db.reset_statements();
    reader_->db.run("COMMIT");
    done_ = true;
  }

 private:
  SqliteStore& store_;
  std::unique_ptr<Connection> reader_;
  bool done_ = false;
};

/// A read transaction on a connection that its thread owns (SqliteStore::begin_nonblocking_read):
/// nothing to give back when it ends. A single read (kSingleRead) runs without BEGIN and
/// COMMIT: its one statement reads in a snapshot of its own, which resetting it ends.
class ThreadReadTransaction final : public LazyPortsTransaction<Connection> {
 public:
  ThreadReadTransaction(Connection& reader, TxMode mode)
      : LazyPortsTransaction(kPortFactories, reader, mode),
        reader_(reader),
        explicit_(mode != TxMode::kSingleRead) {
    if (explicit_) {
      reader_.db.run("BEGIN");
    }
  }

  ~ThreadReadTransaction() override {
    if (!done_) {  // commit() reset the statements already
      reader_.db.reset_statements();
      if (explicit_) {
        sqlite3_exec(reader_.db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      }
    }
  }

  ThreadReadTransaction(const ThreadReadTransaction&) = delete;
  ThreadReadTransaction& operator=(const ThreadReadTransaction&) = delete;

  void commit() override {
    reader_.db.reset_statements();
    if (explicit_) {
      reader_.db.run("COMMIT");
    }
    done_ = true;
  }

 private:
  Connection& reader_;
  bool explicit_;  ///< BEGIN ran: COMMIT or ROLLBACK ends it
  bool done_ = false;
};

/// A write transaction: a member of the writer's group commit.
class WriteTransaction final : public LazyPortsTransaction<Connection> {
 public:
  WriteTransaction(Connection& writer, GroupCommit& group)
      : LazyPortsTransaction(kPortFactories, writer, TxMode::kWrite),
        group_(group),
        lock_(group.enter()) {}

  ~WriteTransaction() override {
    if (lock_.owns_lock()) {
      group_.leave(std::move(lock_), false);
    }
  }

  void commit() override { group_.wait_durable(group_.leave(std::move(lock_), true)); }

 private:
  GroupCommit& group_;
  std::unique_lock<std::mutex> lock_;
};

}  // namespace

std::unique_ptr<store_api::Transaction> begin_read(SqliteStore& store,
                                                   std::unique_ptr<Connection> reader) {
  return std::make_unique<ReadTransaction>(store, std::move(reader));
}

std::unique_ptr<store_api::Transaction> begin_thread_read(Connection& reader, TxMode mode) {
  return std::make_unique<ThreadReadTransaction>(reader, mode);
}

std::unique_ptr<store_api::Transaction> begin_write(Connection& writer, GroupCommit& group) {
  return std::make_unique<WriteTransaction>(writer, group);
}

}  // namespace dialtrack::storage::sqlite
