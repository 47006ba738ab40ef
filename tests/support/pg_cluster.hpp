#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "support/process.hpp"

namespace dialtrack::test {

/// scripts/pg_cluster.sh of the source tree under test.
std::filesystem::path pg_cluster_script();

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

 private:
  CommandResult run_script(std::string_view command) const;

  std::filesystem::path dir_;
  std::string url_;
};

}  // namespace dialtrack::test
