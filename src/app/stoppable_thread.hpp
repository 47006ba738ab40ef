#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace dialtrack::app {

/// A thread whose owner can stop it while it waits: its body waits with `stopped_before`, which
/// returns as soon as the owner stops it. Destroying it stops the thread and joins it.
class StoppableThread {
 public:
  /// No thread yet (see `start`).
  StoppableThread() = default;
  /// Runs `body` on a new thread at once.
  explicit StoppableThread(std::function<void(StoppableThread&)> body) { start(std::move(body)); }
  ~StoppableThread();
  StoppableThread(const StoppableThread&) = delete;
  StoppableThread& operator=(const StoppableThread&) = delete;

  /// Runs `body` on a new thread; at most once.
  void start(std::function<void(StoppableThread&)> body);

  /// Waits until `deadline` unless stopped first; true when stopped (at once if it was already).
  bool stopped_before(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dialtrack::app
