#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace dialtrack::test {

/// How to start `dialtrack serve`.
struct ServerOptions {
  /// Pass `--listen 127.0.0.1:0`; off when a test sets the address another way.
  bool listen_flag = true;
  /// Pass `--db <db>`; off when a test sets the database another way.
  bool db_flag = true;
  /// What `--db` names (TestDatabase::url()). Default: a fresh database of the backend under
  /// test ($DIALTRACK_TEST_BACKEND) owned by the ServerProcess, so restarts find it again: on
  /// SQLite `<temp dir>/dialtrack.db`, on PostgreSQL a database of its own on the test cluster.
  /// Servers given the same value share one database.
  std::optional<std::string> db;
  /// When set, written to `<temp dir>/config.toml` and passed with `--config`.
  std::optional<std::string> config_toml;
  /// Set for the server (inherited DIALTRACK_* variables are always dropped).
  EnvVars env;
  /// Appended after the flags above.
  std::vector<std::string> extra_args;
};

/// The real dialtrack binary serving on a loopback port chosen by the kernel, in a fresh
/// temp dir. Its stderr goes to `<temp dir>/server.log`, which is printed (and the directory
/// kept) when the current test has failed. A still running server is killed on destruction.
class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Starts the server and returns once it printed `listening on 127.0.0.1:PORT`. Throws with
  /// the server log when it exits first, prints something else, or is not ready in time.
  void start() {
    launch();
    wait_until_ready();
  }
  /// The halves of start(), for tests that start several servers at the same moment: launch
  /// them all, then wait for each. Launch from a thread that outlives the server: the child is
  /// killed when the thread that spawned it ends (PR_SET_PDEATHSIG).
  void launch();
  void wait_until_ready();
  /// Starts it again on the same database (after terminate() or kill9()).
  void restart() { start(); }
  /// SIGTERM, then waits for the exit. Returns the exit code (128 + signal when killed by a
  /// signal), or -1 when it did not exit in time (it is then killed).
  int terminate();
  /// SIGKILL, then reaps the process: nothing gets a chance to flush.
  void kill9();
  /// Sends a signal without waiting (for tests that act between the signal and the exit).
  void send_signal(int signal_number);
  /// Waits for the exit after send_signal(); same result as terminate().
  int wait();

  [[nodiscard]] bool running() const { return pid_ > 0; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  /// The `--db` value: a file path or a `postgresql://` URL.
  /// Empty when db_flag is off and no db was given.
  [[nodiscard]] std::string db() const;
  [[nodiscard]] std::filesystem::path log_path() const { return dir() / "server.log"; }
  /// Everything the server wrote to stderr so far, over all its starts.
  [[nodiscard]] std::string log() const;
  /// Bytes the server wrote to stdout after the readiness line (the contract says none).
  /// Only complete once the server exited.
  [[nodiscard]] const std::string& stdout_after_ready() const { return stdout_tail_; }

 private:
  std::vector<std::string> command_line() const;
  void collect_stdout();
  void reap(std::chrono::milliseconds deadline);

  ServerOptions options_;
  TempDir dir_;
  /// Declared after dir_: dropped after the server is gone, before its folder is.
  std::optional<TestDatabase> own_db_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string stdout_tail_;
};

}  // namespace dialtrack::test
