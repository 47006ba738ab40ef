#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

#include "http/outcomes.hpp"
#include "http/server_connection.hpp"

namespace dialtrack::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
constexpr int kMaxRefusing = 64;
constexpr std::chrono::milliseconds kRefuseTimeout{2'000};
/// The end of the shutdown grace kept for writing the 503s of abandoned requests (at most a
/// quarter of the grace).
constexpr std::chrono::milliseconds kFinalAnswers{1'000};

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

}  // namespace

Server::Server(ServerOptions options, const Router& router, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)),
      router_(router),
      log_(std::move(log)),
      body_budget_(options_.body_memory_budget),
      io_(options_.io_threads),
      workers_(static_cast<std::size_t>(options_.worker_threads)),
      acceptor_(net::make_strand(io_)),
      grace_timer_(net::make_strand(io_)) {}

Server::~Server() {
  // Requests abandoned at the end of the grace and not started yet are dropped, not run.
  workers_.stop();
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
      log_->info("received signal {}, draining requests in flight (at most {} ms)", signal,
                 options_.shutdown_grace.count());
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

std::optional<std::chrono::steady_clock::time_point> Server::exit_deadline() const {
  return exit_deadline_;
}

void Server::begin_shutdown() {
  if (stopping_.exchange(true)) {
    return;
  }
  exit_deadline_ = std::chrono::steady_clock::now() + options_.shutdown_grace;
  net::post(acceptor_.get_executor(), [this] {
    // Connections the kernel completed but this process had not accepted yet may carry a
    // request already: they are served like the others, not reset with the listening socket.
    boost::system::error_code ec;
    acceptor_.non_blocking(true, ec);
    while (!ec) {
      tcp::socket socket(net::make_strand(io_));
      acceptor_.accept(socket, ec);
      if (!ec) {
        admit(std::move(socket));
      }
    }
    acceptor_.close(ec);
    std::vector<std::shared_ptr<Connection>> open;
    {
      const std::lock_guard lock(connections_mutex_);
      for (const auto& [id, weak] : connections_) {
        if (auto c = weak.lock()) {
          open.push_back(std::move(c));
        }
      }
    }
    // Idle connections are closed; a request already on its way (even only in the socket's
    // buffer) is read and answered like the ones being handled; streamed bodies are cut.
    for (auto& c : open) {
      net::post(c->stream.get_executor(), [c] {
        if (c->discarding || (c->idle && !bytes_waiting(c->stream))) {
          c->stream.socket().cancel();
        }
        // A streamed body (an export, events) may last as long as it likes: it is cut here,
        // whether it waits in next() or in a write, and its connection closed.
        if (c->streaming) {
          c->stream_cancelled = true;
          c->stream_cancel.emit(net::cancellation_type::terminal);
          c->stream.socket().cancel();
        }
      });
    }
    // The timer lives on a strand: connection_closed cancels it from any I/O thread.
    net::post(grace_timer_.get_executor(), [this] { arm_grace_timer(); });
  });
}

void Server::arm_grace_timer() {
  {
    // All connections may have closed before this ran; then nothing is left to wait for.
    const std::lock_guard lock(connections_mutex_);
    if (connections_.empty()) {
      return;
    }
  }
  // The last part of the grace is kept for answering what is still waiting with a 503.
  const auto final_answers = std::min(kFinalAnswers, options_.shutdown_grace / 4);
  grace_timer_.expires_at(exit_deadline_.value_or(std::chrono::steady_clock::now()) -
                          final_answers);
  grace_timer_.async_wait([this, final_answers](const boost::system::error_code& ec) {
    if (ec) {
      return;  // every connection closed in time
    }
    abandon_pending();
    grace_timer_.expires_after(final_answers / 2);
    grace_timer_.async_wait([this](const boost::system::error_code& final_ec) {
      if (!final_ec) {
        log_->warn("connections still open at the end of the shutdown grace; closing them");
        io_.stop();
      }
    });
  });
}

void Server::abandon_pending() {
  std::vector<std::shared_ptr<Connection>> open;
  {
    const std::lock_guard lock(connections_mutex_);
    for (const auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) {
        open.push_back(std::move(c));
      }
    }
  }
  log_->warn(
      "shutdown grace of {} ms is over: answering 503 to the requests still waiting for "
      "a worker or the database ({} connections open)",
      options_.shutdown_grace.count(), open.size());
  for (auto& c : open) {
    net::post(c->stream.get_executor(), [c] {
      if (auto pending = c->pending) {
        {
          const std::lock_guard lock(pending->mutex);
          pending->abandoned = true;
        }
        pending->done.cancel();
      }
    });
  }
}

void Server::connection_closed(std::uint64_t id) {
  const std::lock_guard lock(connections_mutex_);
  connections_.erase(id);
  if (stopping_ && connections_.empty()) {
    net::post(grace_timer_.get_executor(), [this] { grace_timer_.cancel(); });
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
    admit(std::move(socket));
  }
}

void Server::admit(tcp::socket socket) {
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
      log_->warn("refused {} connection(s): {} are open (http.max_connections)", refused_since_log_,
                 options_.max_connections);
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
    return;
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

net::awaitable<void> Server::refuse(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto response = envelope_response(
      server_refusal(ServerRefusal::kTooManyConnections, Language::kChinese), 11, false);
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

net::awaitable<void> Server::session(std::shared_ptr<Connection> connection) {
  try {
    // The analyzer does not model coroutine frames and takes Asio's frame pointer as unset.
    // NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage)
    co_await serve(*connection);
  } catch (const std::exception& e) {
    // Handlers never throw (the router answers faults); this is a fault of the connection.
    log_->error("connection closed after an unexpected error: {}", e.what());
  }
  boost::system::error_code ignored;
  connection->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connection_closed(connection->id);
}

}  // namespace dialtrack::http
