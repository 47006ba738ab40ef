#pragma once

// The server's state per connection and per dispatched request, shared by server.cpp (accept,
// shutdown) and server_connection.cpp (reading and answering requests). Not for other files.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>
#include <mutex>
#include <optional>

#include "http/server.hpp"

namespace dialtrack::http {

inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

struct Server::Connection {
  explicit Connection(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
  boost::beast::tcp_stream stream;
  /// True while the connection waits for a request between others, with none of it received:
  /// only then does shutdown close it. Read and written on the connection's strand only.
  bool idle = true;
  /// True while it drops what a refused client still sends: shutdown closes it too.
  bool discarding = false;
  std::uint64_t id = 0;
  /// The request a worker runs now, if any (on the connection's strand only).
  std::shared_ptr<Pending> pending;
  /// True while a streamed body is being sent; shutdown then cancels it through
  /// `stream_cancel` (a BodyStream's next() waiting) and closes the connection.
  bool streaming = false;
  bool stream_cancelled = false;
  boost::asio::cancellation_signal stream_cancel;
};

/// A request handed to the worker pool. The connection waits on `done`, which the worker
/// cancels when the answer is ready and shutdown cancels when the grace is over; whoever ends
/// last frees the request (and its body's share of the memory budget).
/// True when the client has sent bytes the server has not read yet (a request on its way).
inline bool bytes_waiting(boost::beast::tcp_stream& stream) {
  boost::system::error_code ec;
  return stream.socket().available(ec) > 0 && !ec;
}

struct Server::Pending {
  Pending(Request r, RouteMatch m, BodyBudget::Reservation body,
          const boost::asio::any_io_executor& strand)
      : request(std::move(r)), match(std::move(m)), reservation(std::move(body)), done(strand) {}
  Request request;
  RouteMatch match;  ///< the request's screening (Router::screen)
  BodyBudget::Reservation reservation;
  boost::asio::steady_timer done;  ///< on the connection's strand
  std::mutex mutex;
  std::optional<Answer> answer;  ///< guarded by mutex
  bool abandoned = false;        ///< guarded by mutex: a worker that has not started skips it
};

}  // namespace dialtrack::http
