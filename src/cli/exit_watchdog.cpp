#include "cli/exit_watchdog.hpp"

#include <cstdio>
#include <cstdlib>

namespace dialtrack::cli {

ExitWatchdog::ExitWatchdog(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}

void ExitWatchdog::arm(std::chrono::steady_clock::time_point deadline, int exit_code) {
  thread_.start([this, deadline, exit_code](app::StoppableThread& thread) {
    if (thread.stopped_before(deadline)) {
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
