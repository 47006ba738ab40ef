#include "app/periodic_job.hpp"

namespace dialtrack::app {

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds interval,
                         std::function<void()> work, std::shared_ptr<spdlog::logger> log)
    : name_(std::move(name)),
      interval_(interval),
      work_(std::move(work)),
      log_(std::move(log)),
      thread_([this](StoppableThread& thread) { loop(thread); }) {}

void PeriodicJob::loop(StoppableThread& thread) {
  while (!thread.stopped_before(std::chrono::steady_clock::now() + interval_)) {
    try {
      work_();
    } catch (const std::exception& e) {
      log_->error("{} failed, next run in {} ms: {}", name_, interval_.count(), e.what());
    }
  }
}

}  // namespace dialtrack::app
