#include "app/periodic_job.hpp"

namespace dialtrack::app {

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds interval,
                         std::function<void()> work, std::shared_ptr<spdlog::logger> log)
    : name_(std::move(name)),
      interval_(interval),
      work_(std::move(work)),
      log_(std::move(log)),
      thread_([this] { loop(); }) {}

PeriodicJob::~PeriodicJob() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PeriodicJob::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      work_();
    } catch (const std::exception& e) {
      log_->error("{} failed, next run in {} ms: {}", name_, interval_.count(), e.what());
    }
    lock.lock();
  }
}

}  // namespace dialtrack::app
