#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace dialtrack::app {

/// Runs `work` every `interval` on its own thread until destroyed. A run that throws is logged
/// and the next run happens on schedule: one bad run never stops the job.
class PeriodicJob {
 public:
  PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<void()> work,
              std::shared_ptr<spdlog::logger> log);
  ~PeriodicJob();
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;

 private:
  void loop();

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> work_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dialtrack::app
