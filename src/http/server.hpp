#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/router.hpp"

namespace dialtrack::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  ///< HOST:PORT; port 0 picks a free port
  int io_threads = 2;                     ///< threads that run the connections
  int worker_threads = 4;                 ///< threads that run handlers (database work)
  std::size_t body_limit = std::size_t{8} * 1024 * 1024;
  std::uint32_t header_limit = 16U * 1024U;
  std::chrono::milliseconds read_timeout{30'000};  ///< a whole request must arrive within this
  std::chrono::milliseconds idle_timeout{60'000};  ///< a keep-alive connection may wait this long
  std::chrono::milliseconds shutdown_grace{15'000};
  std::size_t max_connections = 10'000;
};

/// The HTTP/1.1 server: one coroutine owns each connection and sets a timeout before every
/// read; handlers run on a separate worker pool, so database work never blocks the threads that
/// serve connections. SIGTERM/SIGINT stop accepting, answer the requests in flight, close idle
/// connections and return from `run()`.
class Server {
 public:
  Server(ServerOptions options, const Router& router, std::shared_ptr<spdlog::logger> log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket; throws with a readable reason when it cannot.
  /// Returns the address actually bound (with the port chosen when port 0 was asked).
  std::string bind();
  /// Serves until SIGTERM or SIGINT; returns once in-flight requests are answered.
  void run();

 private:
  struct Connection;

  boost::asio::awaitable<void> accept_loop();
  /// Owns one connection: serves it, then closes and unregisters it whatever happened.
  boost::asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  /// Reads requests and writes answers until the connection ends.
  boost::asio::awaitable<void> serve(Connection& connection);
  boost::asio::awaitable<Response> dispatch(const Request& request);
  /// Answers a connection over max_connections with a 503 envelope and closes it.
  boost::asio::awaitable<void> refuse(boost::asio::ip::tcp::socket socket);
  void begin_shutdown();
  void connection_closed(std::uint64_t id);

  ServerOptions options_;
  const Router& router_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::io_context io_;
  boost::asio::thread_pool workers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer grace_timer_;
  std::atomic<bool> stopping_{false};

  std::mutex connections_mutex_;
  std::uint64_t next_connection_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;
  /// Connections being answered 503; beyond a few more are closed without an answer.
  std::atomic<int> refusing_{0};
  /// For the warning about refused connections; touched by accept_loop only.
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::uint64_t refused_since_log_ = 0;
};

}  // namespace dialtrack::http
