#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/body_budget.hpp"
#include "http/router.hpp"

namespace dialtrack::http {

/// Reads one request: its header first, then (if the header allows) its body.
using RequestParser = beast_http::request_parser<beast_http::string_body>;

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  ///< HOST:PORT; port 0 picks a free port
  int io_threads = 2;                     ///< threads that run the connections
  int worker_threads = 4;                 ///< threads that run handlers (database work)
  std::size_t body_limit = std::size_t{8} * 1024 * 1024;
  std::uint32_t header_limit = 16U * 1024U;
  std::chrono::milliseconds read_timeout{30'000};  ///< a whole request must arrive within this
  std::chrono::milliseconds idle_timeout{60'000};  ///< a keep-alive connection may wait this long
  /// After SIGTERM, the process is gone within this, whatever the database does.
  std::chrono::milliseconds shutdown_grace{15'000};
  std::size_t max_connections = 10'000;
  /// Bytes all request bodies being read or handled may hold together.
  std::size_t body_memory_budget = std::size_t{256} * 1024 * 1024;
};

/// The HTTP/1.1 server: one coroutine owns each connection and sets a timeout before every
/// read. A request's header is read first and decides (route, token, scope, the body memory
/// budget) before its body is read; handlers run on a separate worker pool, so database work
/// never blocks the threads that serve connections, except the probes (inline routes), which
/// answer on those threads. SIGTERM/SIGINT stop accepting, answer the requests in flight, close
/// idle connections and return from `run()`; requests still waiting for a worker or the
/// database when the grace ends are answered 503.
class Server {
 public:
  Server(ServerOptions options, const Router& router, std::shared_ptr<spdlog::logger> log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; throws with a readable reason when it cannot.
  /// Returns the address actually bound (with the port chosen when port 0 was asked).
  std::string bind();
  /// Serves until SIGTERM or SIGINT; returns once every request in flight is answered (with
  /// 503 for those the grace did not let finish).
  void run();
  /// When the process should be gone: the signal's time plus the shutdown grace (nothing before
  /// a signal). Work that still blocks on the database past it must not hold the exit.
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> exit_deadline() const;

 private:
  struct Connection;
  struct Pending;
  using Parser = RequestParser;

  boost::asio::awaitable<void> accept_loop();
  /// Serves an accepted connection, or refuses it when max_connections are open (on the
  /// acceptor's strand).
  void admit(boost::asio::ip::tcp::socket socket);
  /// Owns one connection: serves it, then closes and unregisters it whatever happened.
  boost::asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  /// Reads requests and writes answers until the connection ends.
  boost::asio::awaitable<void> serve(Connection& connection);
  /// Answers a request the header refused (screen); false when the connection must end.
  boost::asio::awaitable<bool> answer_refusal(Connection& connection,
                                              boost::beast::flat_buffer& buffer, Parser& parser,
                                              Response refusal);
  /// Reads the body within the memory budget; false (after answering, if it can) when the
  /// connection must end.
  boost::asio::awaitable<bool> read_body(Connection& connection, boost::beast::flat_buffer& buffer,
                                         Parser& parser, BodyBudget::Reservation& reservation);
  /// Answers a failed read (413, 431, 400), or nothing for a closed or timed-out connection.
  boost::asio::awaitable<void> answer_read_error(Connection& connection, const Parser& parser,
                                                 boost::system::error_code ec);
  /// Runs the handler of the route `match` names on the worker pool; nothing when the shutdown
  /// grace ended first.
  boost::asio::awaitable<std::optional<Answer>> dispatch(Connection& connection, Request request,
                                                         RouteMatch match,
                                                         BodyBudget::Reservation reservation);
  /// Writes a streamed answer: the header (chunked for HTTP/1.1), then each piece its stream
  /// yields, each written within read_timeout; true when all of it was sent and the connection may
  /// serve another request.
  boost::asio::awaitable<bool> send_stream(Connection& connection, Answer answer);
  /// Writes `response` as the connection's last, then discards what the client still sends
  /// (bounded), so it reads the answer rather than a reset.
  boost::asio::awaitable<void> answer_and_close(Connection& connection, Response response);
  /// Answers a connection over max_connections with a 503 envelope and closes it.
  boost::asio::awaitable<void> refuse(boost::asio::ip::tcp::socket socket);
  void begin_shutdown();
  /// Waits for the connections until the grace is nearly over (on the timer's strand).
  void arm_grace_timer();
  /// The grace is over: requests still waiting for a worker or the database are answered 503.
  void abandon_pending();
  void connection_closed(std::uint64_t id);

  ServerOptions options_;
  const Router& router_;
  std::shared_ptr<spdlog::logger> log_;
  BodyBudget body_budget_;
  boost::asio::io_context io_;
  boost::asio::thread_pool workers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer grace_timer_;
  std::atomic<bool> stopping_{false};
  /// Set on the first signal; read after run() returned.
  std::optional<std::chrono::steady_clock::time_point> exit_deadline_;

  std::mutex connections_mutex_;
  std::uint64_t next_connection_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
  /// Connections being answered 503; beyond a few more are closed without an answer.
  std::atomic<int> refusing_{0};
  /// For the warning about refused connections; touched on the acceptor's strand only.
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::uint64_t refused_since_log_ = 0;
  /// For the warning about bodies refused for the memory budget, at most one line a second.
  std::atomic<std::int64_t> last_budget_log_ms_{0};
};

}  // namespace dialtrack::http
