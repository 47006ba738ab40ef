#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

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
  /// Disarms it: the orderly exit finished in time.
  ~ExitWatchdog();
  ExitWatchdog(const ExitWatchdog&) = delete;
  ExitWatchdog& operator=(const ExitWatchdog&) = delete;

  /// From now on, the process exits with `exit_code` at `deadline` unless this is destroyed
  /// first.
  void arm(std::chrono::steady_clock::time_point deadline, int exit_code);

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable disarmed_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace dialtrack::cli
