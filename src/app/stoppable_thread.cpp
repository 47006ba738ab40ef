#include "app/stoppable_thread.hpp"

namespace dialtrack::app {

StoppableThread::~StoppableThread() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void StoppableThread::start(std::function<void(StoppableThread&)> body) {
  thread_ = std::thread([this, body = std::move(body)] { body(*this); });
}

bool StoppableThread::stopped_before(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return stop_.wait_until(lock, deadline, [this] { return stopping_; });
}

}  // namespace dialtrack::app
