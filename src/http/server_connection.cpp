// Reading and answering the requests of one connection: the header first, which decides
// whether the body is read at all, then the body within the memory budget, then the handler
// (on the I/O thread for the probes and what needs nothing that blocks, on the worker pool for
// everything else).
#include "http/server_connection.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <tuple>
#include <vector>

#include "http/outcomes.hpp"

namespace dialtrack::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

/// A refused request's body up to this size is read and dropped, so its keep-alive connection
/// can serve the next request; a larger one is not read: the connection is closed instead.
constexpr std::uint64_t kDiscardLimit = std::uint64_t{64} * 1024;
/// Bytes read at a time while discarding what a refused client still sends.
constexpr std::size_t kDiscardChunk = std::size_t{16} * 1024;

bool expects_continue(const RequestHeader& header) {
  return beast::iequals(header[beast_http::field::expect], "100-continue");
}

Language language_of(const RequestParser& parser) {
  return parser.is_header_done()
             ? language_from_header(parser.get()[beast_http::field::accept_language])
             : Language::kChinese;
}

/// Reads and drops what the client still sends, up to `limit` bytes, until it closes or the
/// stream's deadline passes. A separate coroutine, so its buffer exists only while it runs.
net::awaitable<void> discard(beast::tcp_stream& stream, std::size_t limit) {
  std::vector<char> sink(kDiscardChunk);
  std::size_t total = 0;
  while (total <= limit) {
    auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), kTuple);
    if (ec) {
      break;
    }
    total += n;
  }
}

/// Parses what the buffer holds of a request's header, as async_read_header would before
/// reading more: the header is done when the buffer held all of it; no error when it held part.
boost::system::error_code parse_buffered_header(RequestParser& parser, beast::flat_buffer& buffer) {
  boost::system::error_code ec;
  if (buffer.size() == 0) {
    return ec;
  }
  buffer.consume(parser.put(buffer.data(), ec));
  if (ec == beast_http::error::need_more) {
    ec = {};
  }
  return ec;
}

}  // namespace

net::awaitable<void> Server::serve(Connection& connection) {
  auto& stream = connection.stream;
  beast::flat_buffer buffer;
  for (;;) {
    connection.idle = buffer.size() == 0;
    if (stopping_ && connection.idle && !bytes_waiting(stream)) {
      break;
    }
    if (connection.idle) {
      // Between requests the connection may idle for idle_timeout.
      stream.expires_after(options_.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) {
        break;
      }
      buffer.commit(n);
      connection.idle = false;
    }
    Parser parser;
    parser.body_limit(options_.body_limit);
    parser.header_limit(options_.header_limit);
    // Most requests arrive whole in one read: their header is parsed from the buffer here,
    // without another read operation and its timer.
    auto ec = parse_buffered_header(parser, buffer);
    if (!ec && !parser.is_header_done()) {
      // Once a request has started, all of it must arrive within read_timeout.
      stream.expires_after(options_.read_timeout);
      std::tie(ec, std::ignore) =
          co_await beast_http::async_read_header(stream, buffer, parser, kTuple);
    } else if (!ec && !parser.is_done()) {
      stream.expires_after(options_.read_timeout);  // for the body still to come
    }
    if (ec) {
      co_await answer_read_error(connection, parser, ec);
      break;
    }
    // The header decides first (route, method, token, scope): a request that may not run is
    // answered before its body is read, so unauthenticated bodies cost no memory.
    auto screening = router_.screen(parser.get());
    if (screening.refusal) {
      if (co_await answer_refusal(connection, buffer, parser, std::move(*screening.refusal))) {
        continue;
      }
      break;
    }
    auto reservation = body_budget_.reserve();
    if (!co_await read_body(connection, buffer, parser, reservation)) {
      break;
    }
    Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    const Language lang = screening.match.lang;
    std::optional<Answer> answer;
    // The route screen matched: the request is not matched again.
    if (screening.tries_inline) {
      // Answered here when it needs nothing that blocks: no hand-off to a worker and back.
      answer = router_.try_inline(request, screening.match);
    }
    if (!answer) {
      if (screening.answers_inline && !screening.tries_inline) {
        answer = co_await router_.handle_inline(request, screening.match);
      } else {
        answer = co_await dispatch(connection, std::move(request), std::move(screening.match),
                                   std::move(reservation));
      }
    }
    if (!answer) {
      // The shutdown grace ended while it waited for a worker or the database.
      co_await answer_and_close(
          connection,
          envelope_response(server_refusal(ServerRefusal::kShuttingDown, lang), 11, false));
      break;
    }
    auto& response = answer->response;
    response.keep_alive(keep_alive && !stopping_);
    if (answer->stream) {
      if (!co_await send_stream(connection, std::move(*answer))) {
        break;
      }
      continue;
    }
    stream.expires_after(options_.read_timeout);
    auto [write_ec, written] = co_await beast_http::async_write(stream, response, kTuple);
    if (write_ec || !response.keep_alive()) {
      break;
    }
  }
}

net::awaitable<bool> Server::send_stream(Connection& connection, Answer answer) {
  auto& stream = connection.stream;
  auto& response = answer.response;
  // HTTP/1.0 has no chunked encoding: the body goes out as it is and the close ends it.
  const bool chunked = response.version() >= 11;
  if (chunked) {
    response.chunked(true);
  } else {
    response.keep_alive(false);
  }
  connection.streaming = true;
  connection.stream_cancelled = stopping_.load();
  beast_http::response_serializer<beast_http::string_body> header{response};
  stream.expires_after(options_.read_timeout);
  auto [header_ec, header_bytes] = co_await beast_http::async_write_header(stream, header, kTuple);
  bool complete = false;
  if (!header_ec) {
    const StreamContext context{stream.get_executor(), workers_.get_executor()};
    for (;;) {
      if (connection.stream_cancelled) {
        break;  // shutdown: the body is cut, the client sees it unfinished
      }
      // Its own coroutine, so shutdown can cancel it through the connection's signal.
      // No temporaries in the co_await expression: GCC 12 destroys them twice.
      auto produce = answer.stream->next(context);
      auto token = net::bind_cancellation_slot(connection.stream_cancel.slot(), kTuple);
      auto [error, piece] =
          co_await net::co_spawn(stream.get_executor(), std::move(produce), std::move(token));
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const boost::system::system_error& e) {
          if (e.code() != net::error::operation_aborted) {
            log_->error("a streamed body ended after an error: {}", e.what());
          }
        } catch (const std::exception& e) {
          log_->error("a streamed body ended after an error: {}", e.what());
        }
        break;
      }
      if (connection.stream_cancelled) {
        break;
      }
      if (!piece) {
        if (chunked) {
          stream.expires_after(options_.read_timeout);
          auto [ec, n] = co_await net::async_write(stream, beast_http::make_chunk_last(), kTuple);
          complete = !ec;
        } else {
          complete = true;
        }
        break;
      }
      if (piece->empty()) {
        continue;  // an empty chunk would end the body
      }
      stream.expires_after(options_.read_timeout);
      boost::system::error_code ec;
      if (chunked) {
        std::tie(ec, std::ignore) =
            co_await net::async_write(stream, beast_http::make_chunk(net::buffer(*piece)), kTuple);
      } else {
        std::tie(ec, std::ignore) = co_await net::async_write(stream, net::buffer(*piece), kTuple);
      }
      if (ec) {
        break;  // the client went away (or stopped reading for read_timeout)
      }
    }
  }
  connection.streaming = false;
  co_return complete&& chunked&& response.keep_alive() && !stopping_;
}

net::awaitable<bool> Server::answer_refusal(Connection& connection, beast::flat_buffer& buffer,
                                            Parser& parser, Response refusal) {
  // A small declared body is read and dropped to keep the connection; anything else is not read.
  const auto length = parser.content_length();
  auto small_body = body_budget_.reserve();
  const bool keep = !stopping_ && !expects_continue(parser.get()) &&
                    (parser.is_done() || (length && *length <= kDiscardLimit &&
                                          small_body.grow_to(static_cast<std::size_t>(*length))));
  if (!keep) {
    co_await answer_and_close(connection, std::move(refusal));
    co_return false;
  }
  while (!parser.is_done()) {
    auto [ec, n] = co_await beast_http::async_read_some(connection.stream, buffer, parser, kTuple);
    if (ec) {
      co_return false;
    }
  }
  refusal.keep_alive(parser.get().keep_alive());
  connection.stream.expires_after(options_.read_timeout);
  auto [ec, n] = co_await beast_http::async_write(connection.stream, refusal, kTuple);
  co_return !ec && refusal.keep_alive();
}

net::awaitable<bool> Server::read_body(Connection& connection, beast::flat_buffer& buffer,
                                       Parser& parser, BodyBudget::Reservation& reservation) {
  const auto refuse_for_budget = [&]() -> net::awaitable<void> {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    auto last = last_budget_log_ms_.load();
    if (now_ms - last >= 1000 && last_budget_log_ms_.compare_exchange_strong(last, now_ms)) {
      log_->warn(
          "refused a request body: bodies being read hold {} of {} bytes "
          "(server.body_memory_budget)",
          body_budget_.in_use(), body_budget_.limit());
    }
    co_await answer_and_close(
        connection,
        envelope_response(server_refusal(ServerRefusal::kBodyBudgetFull, language_of(parser)),
                          parser.get().version(), false));
  };
  // A declared length is reserved whole before a byte of it is read.
  if (const auto length = parser.content_length();
      length && !reservation.grow_to(static_cast<std::size_t>(*length))) {
    co_await refuse_for_budget();
    co_return false;
  }
  if (!parser.is_done() && expects_continue(parser.get())) {
    // The client waits for this before it sends the body it announced.
    beast_http::response<beast_http::empty_body> go_on{beast_http::status::continue_,
                                                       parser.get().version()};
    auto [ec, n] = co_await beast_http::async_write(connection.stream, go_on, kTuple);
    if (ec) {
      co_return false;
    }
  }
  while (!parser.is_done()) {
    auto [ec, n] = co_await beast_http::async_read_some(connection.stream, buffer, parser, kTuple);
    if (ec) {
      co_await answer_read_error(connection, parser, ec);
      co_return false;
    }
    // A chunked body grows as it arrives: its reservation follows the memory it holds.
    if (!reservation.grow_to(parser.get().body().capacity())) {
      co_await refuse_for_budget();
      co_return false;
    }
  }
  co_return true;
}

net::awaitable<void> Server::answer_read_error(Connection& connection, const Parser& parser,
                                               boost::system::error_code ec) {
  std::optional<Reply> reply;
  if (ec == beast_http::error::body_limit) {
    reply = body_too_large(options_.body_limit, language_of(parser));
  } else if (ec == beast_http::error::header_limit) {
    reply = server_refusal(ServerRefusal::kHeadersTooLarge, language_of(parser));
  } else if (ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message &&
             ec != beast::error::timeout && ec != net::error::operation_aborted &&
             ec != net::error::eof && ec != net::error::connection_reset) {
    reply = server_refusal(ServerRefusal::kMalformed, Language::kChinese, ec.message());
  }
  if (reply) {
    co_await answer_and_close(connection, envelope_response(*reply, 11, false));
  }
}

net::awaitable<void> Server::answer_and_close(Connection& connection, Response response) {
  auto& stream = connection.stream;
  response.keep_alive(false);
  stream.expires_after(options_.read_timeout);
  auto [ec, n] = co_await beast_http::async_write(stream, response, kTuple);
  if (ec) {
    co_return;
  }
  // Half-close and drop what the client still sends (what it may legitimately send, within
  // read_timeout), so it reads our answer rather than a connection reset. Answered already, so
  // a shutdown closes it like an idle one.
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connection.discarding = true;
  if (!stopping_) {
    co_await discard(stream, options_.body_limit + options_.header_limit);
  }
}

net::awaitable<std::optional<Answer>> Server::dispatch(Connection& connection, Request request,
                                                       RouteMatch match,
                                                       BodyBudget::Reservation reservation) {
  auto pending =
      std::make_shared<Pending>(std::move(request), std::move(match), std::move(reservation),
                                connection.stream.get_executor());
  pending->done.expires_at(std::chrono::steady_clock::time_point::max());
  connection.pending = pending;
  // Handlers block on the database: they run on the worker pool, and the connection waits on
  // its strand until the answer is ready or the shutdown grace is over.
  net::post(workers_, [this, pending] {
    {
      const std::lock_guard lock(pending->mutex);
      if (pending->abandoned) {
        return;  // answered 503 already; not started, so nothing of it happens
      }
    }
    auto answer = router_.handle(pending->request, pending->match);
    {
      const std::lock_guard lock(pending->mutex);
      pending->answer = std::move(answer);
    }
    net::post(pending->done.get_executor(), [pending] { pending->done.cancel(); });
  });
  co_await pending->done.async_wait(kTuple);
  connection.pending.reset();
  const std::lock_guard lock(pending->mutex);
  if (pending->answer) {
    co_return std::move(*pending->answer);
  }
  co_return std::nullopt;
}

}  // namespace dialtrack::http
