#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "support/timeouts.hpp"

extern char** environ;

namespace dialtrack::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::vector<std::string> child_environment(const EnvVars& overrides) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (text.starts_with("DIALTRACK_")) {
      continue;
    }
    result.emplace_back(text);
  }
  for (const auto& [name, value] : overrides) {
    result.push_back(name);
    result.back().append("=").append(value);
  }
  return result;
}

std::vector<char*> as_pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

int decode_status(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

}  // namespace

std::filesystem::path dialtrack_binary() {
  // Nothing in the tests modifies the environment, so reading it from threads is safe.
  const char* from_env = std::getenv("DIALTRACK_TEST_BINARY");  // NOLINT(concurrency-mt-unsafe)
  if (from_env != nullptr && *from_env != '\0') {
    return from_env;
  }
  return DIALTRACK_BINARY;
}

pid_t spawn_process(const std::vector<std::string>& argv, const EnvVars& env, int stdout_fd,
                    int stderr_fd) {
  // Everything the child needs is prepared before fork: after it only async-signal-safe calls
  // are allowed, and the test process may have other threads.
  std::vector<std::string> args = argv;
  std::vector<std::string> environment = child_environment(env);
  std::vector<char*> arg_pointers = as_pointers(args);
  std::vector<char*> env_pointers = as_pointers(environment);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::system_error(errno, std::generic_category(), "fork");
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127);
    }
    // The test process may ignore SIGPIPE or block signals; the server must start with the
    // defaults or SIGTERM handling would not be what production sees.
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &defaults, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    // The single-threaded child: sigprocmask is what is meant here.
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // NOLINT(concurrency-mt-unsafe)

    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
      ::dup2(devnull, STDIN_FILENO);
    }
    ::dup2(stdout_fd, STDOUT_FILENO);
    ::dup2(stderr_fd, STDERR_FILENO);
    ::close_range(3, ~0U, 0);
    ::execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
    constexpr char kMessage[] = "spawn_process: execve failed\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    ::_exit(127);
  }
  return pid;
}

std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds deadline) {
  // pidfd lets us wait for the exit with a deadline instead of polling waitpid in a loop.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd entry{pidfd, POLLIN, 0};
    int ready = 0;
    do {
      ready = ::poll(&entry, 1, static_cast<int>(deadline.count()));
    } while (ready < 0 && errno == EINTR);
    ::close(pidfd);
    if (ready == 0) {
      return std::nullopt;
    }
  }
  int status = 0;
  pid_t waited = 0;
  do {
    waited = ::waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  if (waited != pid) {
    return std::nullopt;
  }
  return decode_status(status);
}

CommandResult run_command(const std::vector<std::string>& argv, const EnvVars& env,
                          std::chrono::milliseconds deadline) {
  std::array<int, 2> out_pipe{};
  std::array<int, 2> err_pipe{};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  const pid_t pid = spawn_process(argv, env, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  CommandResult result;
  const auto until = SteadyClock::now() + scaled(deadline);
  std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_count = 2;
  bool timed_out = false;
  while (open_count > 0) {
    const int ready = ::poll(fds.data(), fds.size(), remaining_ms(until));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      timed_out = true;
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      std::array<char, 4096> chunk{};
      const ssize_t got = ::read(fds[i].fd, chunk.data(), chunk.size());
      if (got > 0) {
        sinks[i]->append(chunk.data(), static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (const auto& entry : fds) {
    if (entry.fd >= 0) {
      ::close(entry.fd);
    }
  }
  if (timed_out) {
    ::kill(pid, SIGKILL);
    wait_for_exit(pid, scaled(deadline));
    result.exit_code = -1;
    return result;
  }
  result.exit_code = wait_for_exit(pid, scaled(deadline)).value_or(-1);
  return result;
}

CommandResult run_dialtrack(const std::vector<std::string>& args, const EnvVars& env,
                            std::chrono::milliseconds deadline) {
  std::vector<std::string> argv{dialtrack_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, env, deadline);
}

}  // namespace dialtrack::test
