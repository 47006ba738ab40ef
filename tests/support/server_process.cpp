#include "support/server_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "support/timeouts.hpp"

namespace dialtrack::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kReadyPrefix = "listening on 127.0.0.1:";

std::optional<std::uint16_t> parse_ready_line(std::string_view line) {
  if (!line.starts_with(kReadyPrefix)) {
    return std::nullopt;
  }
  const std::string_view digits = line.substr(kReadyPrefix.size());
  if (digits.empty() || digits.size() > 5) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

ServerProcess::ServerProcess(ServerOptions options)
    : options_(std::move(options)), dir_("dialtrack-it") {
  if (!options_.db && options_.db_flag) {
    own_db_.emplace(dir());
  }
  if (options_.config_toml) {
    std::ofstream(dir() / "config.toml") << *options_.config_toml;
  }
}

ServerProcess::~ServerProcess() {
  if (running()) {
    kill9();
  }
  if (::testing::Test::HasFailure()) {
    // The server's own account is usually what explains a failed assertion.
    std::cerr << "---- dialtrack server log " << log_path().string() << " ----\n"
              << log() << "---- end of server log (directory kept) ----\n";
    dir_.keep();
  }
}

std::string ServerProcess::db() const {
  if (options_.db) {
    return *options_.db;
  }
  return own_db_ ? own_db_->url() : std::string();
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> ServerProcess::command_line() const {
  std::vector<std::string> argv{dialtrack_binary().string(), "serve"};
  if (options_.listen_flag) {
    argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
  }
  if (options_.db_flag) {
    argv.insert(argv.end(), {"--db", db()});
  }
  if (options_.config_toml) {
    argv.insert(argv.end(), {"--config", (dir() / "config.toml").string()});
  }
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  return argv;
}

void ServerProcess::launch() {
  if (running()) {
    throw std::logic_error("ServerProcess::launch: already running");
  }
  std::array<int, 2> out_pipe{};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  // Appending keeps the log of earlier runs when the server is restarted on the same db.
  const int log_fd = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::system_error(errno, std::generic_category(), "open " + log_path().string());
  }
  pid_ = spawn_process(command_line(), options_.env, out_pipe[1], log_fd);
  ::close(out_pipe[1]);
  ::close(log_fd);
  stdout_fd_ = out_pipe[0];
  stdout_tail_.clear();
}

void ServerProcess::wait_until_ready() {
  if (!running()) {
    throw std::logic_error("ServerProcess::wait_until_ready: not launched");
  }
  // Readiness is the one stdout line; read it with a deadline instead of sleeping.
  std::string received;
  const auto deadline = SteadyClock::now() + answer_deadline();
  std::string failure;
  while (received.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) {
      failure = "no readiness line in time";
      break;
    }
    pollfd entry{stdout_fd_, POLLIN, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      failure = "no readiness line in time";
      break;
    }
    std::array<char, 512> chunk{};
    const ssize_t got = ::read(stdout_fd_, chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      failure = "the server closed stdout (exited?) before it was ready";
      break;
    }
    received.append(chunk.data(), static_cast<std::size_t>(got));
  }
  if (failure.empty()) {
    const auto newline = received.find('\n');
    const std::string line = received.substr(0, newline);
    stdout_tail_ = received.substr(newline + 1);
    if (const auto port = parse_ready_line(line)) {
      port_ = *port;
      return;
    }
    failure = "unexpected first stdout line: '" + line + "'";
  }
  kill9();
  throw std::runtime_error("dialtrack serve did not start: " + failure + "\nstdout: " + received +
                           "\n---- server log ----\n" + log());
}

void ServerProcess::collect_stdout() {
  if (stdout_fd_ < 0) {
    return;
  }
  // Called once the server has exited, so reading to EOF cannot block for long.
  const auto deadline = SteadyClock::now() + scaled(std::chrono::seconds(5));
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    pollfd entry{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
      break;
    }
    std::array<char, 512> chunk{};
    const ssize_t got = ::read(stdout_fd_, chunk.data(), chunk.size());
    if (got <= 0) {
      break;
    }
    stdout_tail_.append(chunk.data(), static_cast<std::size_t>(got));
  }
  ::close(stdout_fd_);
  stdout_fd_ = -1;
}

void ServerProcess::reap(std::chrono::milliseconds deadline) {
  if (!wait_for_exit(pid_, deadline)) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, answer_deadline());
  }
  pid_ = -1;
  collect_stdout();
}

int ServerProcess::terminate() {
  send_signal(SIGTERM);
  return wait();
}

void ServerProcess::send_signal(int signal_number) {
  if (!running()) {
    throw std::logic_error("ServerProcess::send_signal: not running");
  }
  ::kill(pid_, signal_number);
}

int ServerProcess::wait() {
  if (!running()) {
    throw std::logic_error("ServerProcess::wait: not running");
  }
  const auto code = wait_for_exit(pid_, answer_deadline());
  if (!code) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, answer_deadline());
  }
  pid_ = -1;
  collect_stdout();
  return code.value_or(-1);
}

void ServerProcess::kill9() {
  if (!running()) {
    return;
  }
  ::kill(pid_, SIGKILL);
  reap(answer_deadline());
}

}  // namespace dialtrack::test
