#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

namespace dialtrack::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr int kMaxRefusing = 64;
constexpr std::chrono::milliseconds kRefuseTimeout{2'000};

struct Server::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  /// True while the connection waits for or reads a request: only then may shutdown cut it.
  /// Read and written on the connection's strand only.
  bool reading = true;
  std::uint64_t id = 0;
};

namespace {

tcp::endpoint parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    throw std::invalid_argument("listen address '" + listen + "' is not HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "*") {
    host = "0.0.0.0";
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  const std::string port_text = listen.substr(colon + 1);
  std::size_t used = 0;
  unsigned long port = 0;
  try {
    port = std::stoul(port_text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != port_text.size() || port > 65535) {
    throw std::invalid_argument("listen port '" + port_text + "' is not a number from 0 to 65535");
  }
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) {
    throw std::invalid_argument("listen host '" + host + "' is not an IP address");
  }
  return {address, static_cast<unsigned short>(port)};
}

Response plain_error(Status status, const std::string& message, unsigned version) {
  return envelope_response(fail(status, message), version, false);
}

}  // namespace

Server::Server(ServerOptions options, const Router& router, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)),
      router_(router),
      log_(std::move(log)),
      io_(options_.io_threads),
      workers_(static_cast<std::size_t>(options_.worker_threads)),
      acceptor_(net::make_strand(io_)),
      grace_timer_(io_) {}

Server::~Server() {
  workers_.join();
}

std::string Server::bind() {
  const auto endpoint = parse_listen(options_.listen);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  boost::system::error_code ec;
  acceptor_.bind(endpoint, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + options_.listen + ": " + ec.message());
  }
  acceptor_.listen(net::socket_base::max_listen_connections);
  const auto bound = acceptor_.local_endpoint();
  const auto host = bound.address().to_string();
  return (bound.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(bound.port());
}

void Server::run() {
  net::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (!ec) {
      log_->info("received signal {}, draining requests in flight", signal);
      begin_shutdown();
    }
  });
  net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);

  std::vector<std::thread> threads;
  for (int i = 1; i < options_.io_threads; ++i) {
    threads.emplace_back([this] { io_.run(); });
  }
  io_.run();
  for (auto& t : threads) {
    t.join();
  }
  log_->info("stopped");
}

void Server::begin_shutdown() {
  if (stopping_.exchange(true)) {
    return;
  }
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    const std::lock_guard lock(connections_mutex_);
    for (const auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) {
        open.push_back(std::move(c));
      }
    }
    if (connections_.empty()) {
      return;
    }
  }
  for (auto& c : open) {
    net::post(c->stream.get_executor(), [c] {
      if (c->reading) {
        c->stream.socket().cancel();
      }
    });
  }
  grace_timer_.expires_after(options_.shutdown_grace);
  grace_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      log_->warn("connections still open after the shutdown grace period; stopping anyway");
      io_.stop();
    }
  });
}

void Server::connection_closed(std::uint64_t id) {
  const std::lock_guard lock(connections_mutex_);
  connections_.erase(id);
  if (stopping_ && connections_.empty()) {
    net::post(io_, [this] { grace_timer_.cancel(); });
  }
}

net::awaitable<void> Server::accept_loop() {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(io_), kTuple);
    if (ec) {
      if (stopping_ || ec == net::error::operation_aborted) {
        break;
      }
      // Out of file descriptors and the like: keep serving the connections we have.
      log_->warn("accept failed: {}", ec.message());
      continue;
    }
    bool full = false;
    {
      const std::lock_guard lock(connections_mutex_);
      full = connections_.size() >= options_.max_connections;
    }
    if (full) {
      // One line a second at most, however many are refused: a flood must not flood the log.
      ++refused_since_log_;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_refusal_log_ >= std::chrono::seconds(1)) {
        log_->warn("refused {} connection(s): {} are open (http.max_connections)",
                   refused_since_log_, options_.max_connections);
        refused_since_log_ = 0;
        last_refusal_log_ = now;
      }
      // A few at a time get a 503 envelope; past that a flood is just closed.
      if (refusing_.fetch_add(1) < kMaxRefusing) {
        auto executor = socket.get_executor();
        net::co_spawn(executor, refuse(std::move(socket)), net::detached);
      } else {
        --refusing_;
      }
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      const std::lock_guard lock(connections_mutex_);
      connection->id = ++next_connection_id_;
      connections_.emplace(connection->id, connection);
    }
    auto executor = connection->stream.get_executor();
    net::co_spawn(executor, session(std::move(connection)), net::detached);
  }
}

net::awaitable<void> Server::refuse(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto response = plain_error(Status::service_unavailable,
                              text(Msg::kTooManyConnections, Language::kChinese), 11);
  response.set(beast_http::field::retry_after, "1");
  // Bounded: a refused client gets one short chance to read the answer.
  stream.expires_after(std::min(options_.read_timeout, kRefuseTimeout));
  co_await beast_http::async_write(stream, response, kTuple);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  // Read what the client sent until it closes, so it sees the answer rather than a reset.
  std::array<char, 4096> sink{};
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), kTuple);
    if (ec) {
      break;
    }
  }
  --refusing_;
}

net::awaitable<Response> Server::dispatch(const Request& request) {
  // Handlers block on the database: run them on the worker pool, then resume on the strand.
  co_return co_await net::co_spawn(
      workers_,
      [this, &request]() -> net::awaitable<Response> { co_return router_.handle(request); },
      net::use_awaitable);
}

net::awaitable<void> Server::session(std::shared_ptr<Connection> connection) {
  try {
    co_await serve(*connection);
  } catch (const std::exception& e) {
    // Handlers never throw (the router answers faults); this is a fault of the connection.
    log_->error("connection closed after an unexpected error: {}", e.what());
  }
  boost::system::error_code ignored;
  connection->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connection_closed(connection->id);
}

net::awaitable<void> Server::serve(Connection& connection) {
  auto& stream = connection.stream;
  beast::flat_buffer buffer;
  for (;;) {
    connection.reading = true;
    if (stopping_) {
      break;
    }
    if (buffer.size() == 0) {
      // Between requests the connection may idle for idle_timeout.
      stream.expires_after(options_.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) {
        break;
      }
      buffer.commit(n);
    }
    beast_http::request_parser<beast_http::string_body> parser;
    parser.body_limit(options_.body_limit);
    parser.header_limit(options_.header_limit);
    // Once a request has started, all of it must arrive within read_timeout.
    stream.expires_after(options_.read_timeout);
    auto [ec, n] = co_await beast_http::async_read(stream, buffer, parser, kTuple);
    if (ec == beast_http::error::body_limit || ec == beast_http::error::header_limit) {
      connection.reading = false;
      const bool body = ec == beast_http::error::body_limit;
      const Language lang =
          parser.is_header_done()
              ? language_from_header(parser.get()[beast_http::field::accept_language])
              : Language::kChinese;
      auto response = body ? plain_error(Status::payload_too_large,
                                         body_too_large_text(options_.body_limit, lang), 11)
                           : plain_error(Status::request_header_fields_too_large,
                                         text(Msg::kHeadersTooLarge, lang), 11);
      stream.expires_after(options_.read_timeout);
      co_await beast_http::async_write(stream, response, kTuple);
      // Half-close and drain what the client still sends, so it reads our answer rather than
      // a connection reset; bounded by read_timeout.
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      std::array<char, 65536> sink{};
      for (;;) {
        auto [drain_ec, drained] = co_await stream.async_read_some(net::buffer(sink), kTuple);
        if (drain_ec) {
          break;
        }
      }
      break;
    }
    if (ec) {
      if (ec != beast_http::error::end_of_stream && ec != beast::error::timeout &&
          ec != net::error::operation_aborted && ec != net::error::eof &&
          ec != net::error::connection_reset) {
        connection.reading = false;
        auto response =
            plain_error(Status::bad_request,
                        text(Msg::kBadRequest, Language::kChinese) + ": " + ec.message(), 11);
        stream.expires_after(options_.read_timeout);
        co_await beast_http::async_write(stream, response, kTuple);
      }
      break;
    }
    connection.reading = false;
    Request request = parser.release();
    const bool keep_alive = request.keep_alive();
    Response response = co_await dispatch(request);
    response.keep_alive(keep_alive && !stopping_);
    stream.expires_after(options_.read_timeout);
    auto [write_ec, written] = co_await beast_http::async_write(stream, response, kTuple);
    if (write_ec || !response.keep_alive()) {
      break;
    }
  }
}

}  // namespace dialtrack::http
