#include "http/readiness.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace dialtrack::http {

namespace net = boost::asio;

/// One caller waiting for the ping: its timer runs on the caller's executor and is cancelled
/// there when the answer comes, so the caller wakes at the answer or at its deadline.
struct ReadinessProbe::Waiter {
  explicit Waiter(const net::any_io_executor& executor) : timer(executor) {}
  net::steady_timer timer;
  std::optional<bool> answer;  ///< guarded by the probe's mutex
};

ReadinessProbe::ReadinessProbe(Ping ping, std::chrono::milliseconds wait,
                               std::shared_ptr<spdlog::logger> log)
    : ping_(std::move(ping)), wait_(wait), log_(std::move(log)) {}

ReadinessProbe::~ReadinessProbe() {
  thread_.join();
}

net::awaitable<bool> ReadinessProbe::ready() {
  // The analyzer does not model coroutine frames and takes Asio's frame pointer as unset.
  // NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage)
  auto waiter = std::make_shared<Waiter>(co_await net::this_coro::executor);
  waiter->timer.expires_after(wait_);
  bool start = false;
  {
    const std::lock_guard lock(mutex_);
    waiters_.push_back(waiter);
    start = !std::exchange(in_flight_, true);
  }
  if (start) {
    net::post(thread_, [this] { run_ping(); });
  }
  // Ends when run_ping cancels the timer (the answer) or when it expires (no answer in time).
  co_await waiter->timer.async_wait(net::as_tuple(net::use_awaitable));
  bool ready = false;
  {
    const std::lock_guard lock(mutex_);
    std::erase(waiters_, waiter);
    ready = waiter->answer.value_or(false);
  }
  note(ready);
  co_return ready;
}

void ReadinessProbe::run_ping() {
  bool ready = false;
  try {
    ready = ping_(wait_);
  } catch (const std::exception& e) {
    log_->debug("readiness: the database query failed: {}", e.what());
  }
  const std::lock_guard lock(mutex_);
  in_flight_ = false;
  for (auto& waiter : waiters_) {
    waiter->answer = ready;
    // The timer belongs to the waiter's executor: cancel it there, not from this thread.
    net::post(waiter->timer.get_executor(), [waiter] { waiter->timer.cancel(); });
  }
  waiters_.clear();
}

void ReadinessProbe::note(bool ready) {
  const std::lock_guard lock(mutex_);
  if (last_ == ready) {
    return;
  }
  last_ = ready;
  if (ready) {
    log_->info("readiness: the database answers (GET /readyz is 200)");
  } else {
    log_->warn("readiness: the database did not answer within {} ms (GET /readyz is 503)",
               wait_.count());
  }
}

}  // namespace dialtrack::http
