#pragma once

#include <spdlog/logger.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace dialtrack::http {

/// Asks the database whether it answers (a trivial query), for `GET /readyz`. The query runs on a
/// thread of the probe's own, never on the caller's: the caller (a connection on an I/O thread)
/// waits at most `wait`, however stuck the database or busy the worker pool is. At most one
/// query is in flight: callers that arrive meanwhile wait for that one, so a stuck database
/// holds one thread, not one per probe.
class ReadinessProbe {
 public:
  /// True when the database answered within `deadline`; may throw (taken as not ready).
  using Ping = std::function<bool(std::chrono::milliseconds deadline)>;

  ReadinessProbe(Ping ping, std::chrono::milliseconds wait, std::shared_ptr<spdlog::logger> log);
  ~ReadinessProbe();
  ReadinessProbe(const ReadinessProbe&) = delete;
  ReadinessProbe& operator=(const ReadinessProbe&) = delete;

  /// True when the database answered within `wait`. Suspends the calling coroutine only.
  boost::asio::awaitable<bool> ready();

  [[nodiscard]] std::chrono::milliseconds wait() const { return wait_; }

 private:
  struct Waiter;

  void run_ping();
  /// Logs when readiness changes, not at every probe: orchestrators probe every few seconds.
  void note(bool ready);

  Ping ping_;
  std::chrono::milliseconds wait_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  bool in_flight_ = false;
  std::vector<std::shared_ptr<Waiter>> waiters_;
  std::optional<bool> last_;  ///< the last answer logged
  boost::asio::thread_pool thread_{1};
};

}  // namespace dialtrack::http
