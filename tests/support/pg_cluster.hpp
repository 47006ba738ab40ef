#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.hpp"

namespace dialtrack::test {

/// scripts/pg_cluster.sh of the source tree under test.
std::filesystem::path pg_cluster_script();

/// Every process of a PostgreSQL server stopped with SIGSTOP, the way a frozen virtual machine
/// or a stuck disk leaves a database: connections stay open, connects are accepted by the
/// kernel, and nothing answers. The postmaster is stopped first, so it starts no new process,
/// then each of its children (the backends, checkpointer, WAL writer...). All are resumed with
/// SIGCONT on destruction, also when the test fails on the way.
class FrozenServer {
 public:
  explicit FrozenServer(pid_t postmaster);
  ~FrozenServer();
  FrozenServer(const FrozenServer&) = delete;
  FrozenServer& operator=(const FrozenServer&) = delete;

  /// How many processes were stopped (the postmaster included).
  [[nodiscard]] std::size_t processes() const { return stopped_.size(); }

 private:
  std::vector<pid_t> stopped_;
};

/// A PostgreSQL cluster of the test's own, started with scripts/pg_cluster.sh, for tests that
/// stop or restart the database server (the shared cluster of the ctest fixture serves other
/// tests at the same time and must never be touched). Stopped on destruction.
class PgCluster {
 public:
  /// Starts a cluster whose handle (port, url, data location) lives in `dir`. Throws with the
  /// script's output when it does not start.
  explicit PgCluster(std::filesystem::path dir);
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  /// The URL of its database `dialtrack` (the `dialtrack` role is a superuser).
  [[nodiscard]] const std::string& url() const { return url_; }
  /// Stops the server (fast shutdown: open sessions are cut) and starts it again on the same
  /// port with the same data; returns once it accepts connections again. Throws on failure.
  void restart();
  /// Stops every process of the server until the returned object is destroyed (FrozenServer).
  [[nodiscard]] std::unique_ptr<FrozenServer> freeze() const;
  /// The server's data directory (where postmaster.pid is).
  [[nodiscard]] std::filesystem::path data_directory() const;

 private:
  CommandResult run_script(std::string_view command) const;

  std::filesystem::path dir_;
  std::string url_;
};

}  // namespace dialtrack::test
