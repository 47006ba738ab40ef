#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "domain/interface.hpp"

namespace dialtrack::http {

/// What a streamed body may use while it produces its pieces.
struct StreamContext {
  /// The connection's executor: where `next()` runs. It must never block.
  boost::asio::any_io_executor connection;
  /// The worker pool: post work that blocks (database reads) here and co_await its result.
  boost::asio::any_io_executor workers;
};

/// A response body produced piece by piece after the status line and headers are sent
/// (chunked transfer encoding): exports of any size in bounded memory, and Server-Sent Events.
/// A handler answers one by setting `Reply::stream`; the status and headers are those of the
/// Reply, the body is whatever `next()` yields until it yields nothing.
class BodyStream : public domain::Interface {
 public:
  /// The next piece of the body; std::nullopt ends it. Runs on the connection's executor. An
  /// exception ends the connection (the status is sent already) and is logged. When the server
  /// shuts down, the coroutine waiting in `next()` is cancelled (operation_aborted): a stream
  /// that waits (events) must wait in a cancellable operation (a timer, a channel).
  virtual boost::asio::awaitable<std::optional<std::string>> next(const StreamContext& ctx) = 0;
};

namespace detail {
/// `work` as a coroutine of its own: its parameter lives in the coroutine's frame (a capturing
/// lambda coroutine would refer to a lambda that co_spawn does not keep).
template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> run_work(Work work) {
  co_return work();
}
}  // namespace detail

/// Runs `work` (blocking: a page of database rows) on the worker pool and resumes the caller on
/// its own executor with the result, or rethrows what `work` threw. A cancellation of the caller
/// (shutdown) is seen once `work` has returned: the next co_await of the caller throws
/// operation_aborted.
template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> on_workers(const StreamContext& ctx,
                                                               Work work) {
  static_assert(!std::is_void_v<std::invoke_result_t<Work&>>,
                "on_workers: the work must return its result");
  // No temporaries in the co_await expression: GCC 12 destroys them twice.
  auto task = detail::run_work(std::move(work));
  auto result =
      co_await boost::asio::co_spawn(ctx.workers, std::move(task), boost::asio::use_awaitable);
  co_return result;
}

}  // namespace dialtrack::http
