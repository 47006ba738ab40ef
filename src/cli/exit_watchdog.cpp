#include "cli/exit_watchdog.hpp"

#include <cstdio>
#include <cstdlib>

namespace dialtrack::cli {

ExitWatchdog::ExitWatchdog(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}

ExitWatchdog::~ExitWatchdog() {
  {
    const std::lock_guard lock(mutex_);
    done_ = true;
  }
  disarmed_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void ExitWatchdog::arm(std::chrono::steady_clock::time_point deadline, int exit_code) {
  thread_ = std::thread([this, deadline, exit_code] {
    std::unique_lock lock(mutex_);
    if (disarmed_.wait_until(lock, deadline, [this] { return done_; })) {
      return;
    }
    log_->warn(
        "shutdown grace is over and threads still wait for the database; exiting without "
        "waiting for them (every request was answered)");
    log_->flush();
    std::fflush(stdout);
    // Not exit(): destructors would wait for those very threads, or free what they still use.
    std::_Exit(exit_code);
  });
}

}  // namespace dialtrack::cli
