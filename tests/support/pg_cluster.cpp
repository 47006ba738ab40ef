#include "support/pg_cluster.hpp"

#include <iostream>
#include <sstream>
#include <stdexcept>

#include "support/timeouts.hpp"

namespace dialtrack::test {
namespace {

/// initdb and a cold start take a few seconds; a loaded machine gets a generous margin.
constexpr std::chrono::seconds kScriptDeadline{120};

/// The last line of the script's output that is a URL (it prints the URL last on start).
std::string printed_url(const std::string& out) {
  std::istringstream lines(out);
  std::string line;
  std::string url;
  while (std::getline(lines, line)) {
    if (line.starts_with("postgresql://")) {
      url = line;
    }
  }
  return url;
}

}  // namespace

std::filesystem::path pg_cluster_script() {
  return std::filesystem::path(DIALTRACK_SOURCE_DIR) / "scripts" / "pg_cluster.sh";
}

PgCluster::PgCluster(std::filesystem::path dir) : dir_(std::move(dir)) {
  const auto started = run_script("start");
  url_ = printed_url(started.out);
  if (started.exit_code != 0 || url_.empty()) {
    throw std::runtime_error("pg_cluster.sh start " + dir_.string() + " failed (exit " +
                             std::to_string(started.exit_code) + "):\n" + started.out +
                             started.err);
  }
}

PgCluster::~PgCluster() {
  // A cluster left running would outlive the test; say so, but the test's outcome stands.
  const auto stopped = run_script("stop");
  if (stopped.exit_code != 0) {
    std::cerr << "warning: pg_cluster.sh stop " << dir_.string() << " failed:\n"
              << stopped.out << stopped.err;
  }
}

void PgCluster::restart() {
  const auto restarted = run_script("restart");
  if (restarted.exit_code != 0) {
    throw std::runtime_error("pg_cluster.sh restart " + dir_.string() + " failed (exit " +
                             std::to_string(restarted.exit_code) + "):\n" + restarted.out +
                             restarted.err);
  }
}

CommandResult PgCluster::run_script(std::string_view command) const {
  return run_command(
      {"/bin/bash", pg_cluster_script().string(), std::string(command), dir_.string()}, {},
      kScriptDeadline);
}

}  // namespace dialtrack::test
