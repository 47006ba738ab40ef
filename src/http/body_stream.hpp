#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

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
class BodyStream {
 public:
  BodyStream() = default;
  virtual ~BodyStream() = default;
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;
  BodyStream(BodyStream&&) = delete;
  BodyStream& operator=(BodyStream&&) = delete;

  /// The next piece of the body; std::nullopt ends it. Runs on the connection's executor. An
  /// exception ends the connection (the status is sent already) and is logged. When the server
  /// shuts down, the coroutine waiting in `next()` is cancelled (operation_aborted): a stream
  /// that waits (events) must wait in a cancellable operation (a timer, a channel).
  virtual boost::asio::awaitable<std::optional<std::string>> next(const StreamContext& ctx) = 0;
};

}  // namespace dialtrack::http
