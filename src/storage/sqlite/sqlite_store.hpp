#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace dialtrack::storage::sqlite {

struct Connection;

/// The embedded store: one SQLite file in WAL mode. Writes go through one connection, one
/// transaction at a time (`BEGIN IMMEDIATE`, so other processes on the same file wait rather
/// than fail); reads use a small pool of connections that run beside the writer.
/// `synchronous=FULL`: a committed transaction survives a crash of the process or the machine.
class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, int read_connections);
  ~SqliteStore() override;

  [[nodiscard]] std::string_view backend() const override { return "sqlite"; }
  int migrate() override;
  std::unique_ptr<Transaction> begin(TxMode mode) override;

  /// Returns a read connection to the pool; used by read transactions when they end.
  void release_reader(std::unique_ptr<Connection> connection);

 private:
  std::string path_;
  std::unique_ptr<Connection> writer_;
  std::mutex writer_mutex_;
  std::mutex readers_mutex_;
  std::condition_variable reader_released_;
  std::vector<std::unique_ptr<Connection>> readers_;
};

}  // namespace dialtrack::storage::sqlite
