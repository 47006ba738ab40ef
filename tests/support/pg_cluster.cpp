#include "support/pg_cluster.hpp"

#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>
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

/// The parent process id in /proc/PID/stat ("pid (name) state ppid ..."; the name may hold
/// spaces and parentheses, so the fields are read after its last ')'); nothing when the process
/// is gone.
std::optional<pid_t> parent_of(const std::filesystem::path& stat_file) {
  std::ifstream in(stat_file);
  std::string line;
  if (!std::getline(in, line)) {
    return std::nullopt;
  }
  const auto name_end = line.rfind(')');
  if (name_end == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream fields(line.substr(name_end + 1));
  char state = 0;
  pid_t parent = 0;
  if (!(fields >> state >> parent)) {
    return std::nullopt;
  }
  return parent;
}

}  // namespace

FrozenServer::FrozenServer(pid_t postmaster) {
  if (::kill(postmaster, SIGSTOP) != 0) {
    throw std::runtime_error("cannot stop the postmaster " + std::to_string(postmaster));
  }
  stopped_.push_back(postmaster);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    if (parent_of(entry.path() / "stat") == postmaster) {
      const auto child = static_cast<pid_t>(std::stol(name));
      if (::kill(child, SIGSTOP) == 0) {
        stopped_.push_back(child);
      }
    }
  }
}

FrozenServer::~FrozenServer() {
  for (const auto pid : stopped_) {
    ::kill(pid, SIGCONT);
  }
}

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

std::filesystem::path PgCluster::data_directory() const {
  // scripts/pg_cluster.sh keeps the folder it made in DIR/datadir; the data is in its data/.
  std::ifstream in(dir_ / "datadir");
  std::string folder;
  if (!std::getline(in, folder) || folder.empty()) {
    throw std::runtime_error("no datadir in " + dir_.string());
  }
  return std::filesystem::path(folder) / "data";
}

std::unique_ptr<FrozenServer> PgCluster::freeze() const {
  // postmaster.pid: the postmaster's pid on its first line.
  std::ifstream in(data_directory() / "postmaster.pid");
  pid_t postmaster = 0;
  if (!(in >> postmaster) || postmaster <= 0) {
    throw std::runtime_error("no postmaster pid in " +
                             (data_directory() / "postmaster.pid").string());
  }
  return std::make_unique<FrozenServer>(postmaster);
}

CommandResult PgCluster::run_script(std::string_view command) const {
  return run_command(
      {"/bin/bash", pg_cluster_script().string(), std::string(command), dir_.string()}, {},
      kScriptDeadline);
}

}  // namespace dialtrack::test
