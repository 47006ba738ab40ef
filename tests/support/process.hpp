#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dialtrack::test {

/// Environment overrides for a child: every inherited DIALTRACK_* variable is dropped first, so
/// a developer's shell never leaks into a test, then these are set.
using EnvVars = std::vector<std::pair<std::string, std::string>>;

/// The dialtrack binary under test: $DIALTRACK_TEST_BINARY when set, else the path CMake
/// compiled in.
std::filesystem::path dialtrack_binary();

/// Starts `argv` (argv[0] is the program path) with fork/exec. stdin is /dev/null, stdout and
/// stderr go to the given descriptors, every other descriptor is closed in the child, and the
/// child is killed if the test process dies (so a test killed by a ctest timeout leaves no
/// server behind); also when the calling thread ends (PR_SET_PDEATHSIG follows the thread), so
/// spawn long-lived children from the test's main thread. Throws std::system_error when fork
/// fails.
pid_t spawn_process(const std::vector<std::string>& argv, const EnvVars& env, int stdout_fd,
                    int stderr_fd);

/// Waits for `pid` to exit, up to `deadline`. Returns the exit code, or 128 + signal number
/// when it was killed by a signal; nothing when the deadline passed (the child still runs).
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds deadline);

/// The outcome of a short-lived command.
struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< everything written to stdout
  std::string err;  ///< everything written to stderr
};

/// Runs `argv` (argv[0] is the program path) to completion, capturing its output. A command
/// still running at the deadline is killed and reported with exit code -1.
CommandResult run_command(const std::vector<std::string>& argv, const EnvVars& env = {},
                          std::chrono::milliseconds deadline = std::chrono::seconds(30));

/// run_command of the dialtrack binary with `args`.
CommandResult run_dialtrack(const std::vector<std::string>& args, const EnvVars& env = {},
                            std::chrono::milliseconds deadline = std::chrono::seconds(30));

}  // namespace dialtrack::test
