#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "app/stoppable_thread.hpp"

namespace dialtrack::app {

/// Runs `work` every `interval` on its own thread until destroyed. A run that throws is logged
/// and the next run happens on schedule: one bad run never stops the job.
class PeriodicJob {
 public:
  PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<void()> work,
              std::shared_ptr<spdlog::logger> log);

 private:
  void loop(StoppableThread& thread);

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> work_;
  std::shared_ptr<spdlog::logger> log_;
  StoppableThread thread_;  ///< last: stopped and joined before the rest goes
};

}  // namespace dialtrack::app
