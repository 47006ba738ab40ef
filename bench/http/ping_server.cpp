// The ceiling for bench/run_http.sh: a bare Boost.Beast HTTP/1.1 server with dialtrack's
// thread layout and connection handling, answering every request with a small JSON body
// straight from the I/O thread (no router, no metrics, no worker pool, no database).
//
//   ping_server [--listen 127.0.0.1:0] [--io-threads N]
//
// Like `dialtrack serve`: one io_context run by N threads (default: one per core, the
// service's `http.threads` default), the acceptor and every connection on their own strand,
// one coroutine per connection, a keep-alive loop with a deadline before every read, a
// request parser per request. Prints "listening on HOST:PORT" once bound; SIGTERM or SIGINT
// stops it. What the service does per request beyond this is what run_http.sh's ratios measure.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::chrono::seconds kReadTimeout{30};
constexpr std::chrono::seconds kIdleTimeout{60};
// The size of dialtrack's /healthz envelope, so both write about the same bytes.
constexpr std::string_view kBody =
    R"({"status":"success","code":200,"message":"ok","data":{"status":"ok"}})";

net::awaitable<void> serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(std::size_t{8} * 1024 * 1024);
    stream.expires_after(buffer.size() == 0 ? kIdleTimeout : kReadTimeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (ec) {
      break;
    }
    const auto& request = parser.get();
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "application/json; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = kBody;
    response.prepare_payload();
    stream.expires_after(kReadTimeout);
    auto [write_ec, written] = co_await http::async_write(stream, response, kTuple);
    if (write_ec || !response.keep_alive()) {
      break;
    }
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> accept_loop(net::io_context& io, tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), kTuple);
    if (ec == net::error::operation_aborted) {
      break;
    }
    if (!ec) {
      auto executor = socket.get_executor();
      net::co_spawn(executor, serve(std::move(socket)), net::detached);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  int io_threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else if (arg == "--io-threads" && i + 1 < argc) {
      io_threads = std::max(1, std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: ping_server [--listen HOST:PORT] [--io-threads N]\n";
      return 2;
    }
  }
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "ping_server: --listen is HOST:PORT\n";
    return 2;
  }
  net::io_context io(io_threads);
  tcp::acceptor acceptor(net::make_strand(io));
  const tcp::endpoint endpoint(net::ip::make_address(listen.substr(0, colon)),
                               static_cast<unsigned short>(std::atoi(listen.c_str() + colon + 1)));
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  const auto bound = acceptor.local_endpoint();
  std::cerr << "ping_server: " << io_threads << " I/O threads\n";
  std::cout << "listening on " << bound.address().to_string() << ":" << bound.port() << std::endl;

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  net::co_spawn(acceptor.get_executor(), accept_loop(io, acceptor), net::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) {
    threads.emplace_back([&io] { io.run(); });
  }
  io.run();
  for (auto& t : threads) {
    t.join();
  }
  return 0;
}
