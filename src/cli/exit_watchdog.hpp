#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>

#include "app/stoppable_thread.hpp"

namespace dialtrack::cli {

/// Ends the process at a deadline when its orderly exit has not finished by then. After
/// SIGTERM the server answers every request within the shutdown grace, but what comes after
/// (joining the worker pool, the sweep, webhook delivery, closing the store) may wait on a
/// database that stopped answering: the grace is a promise about the whole process. Nothing is
/// lost by ending it: every request was answered, and nothing stuck was acknowledged.
/// Declare it before everything it guards, so it is destroyed (disarmed) after all of it.
class ExitWatchdog {
 public:
  explicit ExitWatchdog(std::shared_ptr<spdlog::logger> log);

  /// From now on, the process exits with `exit_code` at `deadline` unless this is destroyed
  /// first.
  void arm(std::chrono::steady_clock::time_point deadline, int exit_code);

 private:
  std::shared_ptr<spdlog::logger> log_;
  app::StoppableThread thread_;  ///< stopped when this is destroyed: the exit finished in time
};

}  // namespace dialtrack::cli
