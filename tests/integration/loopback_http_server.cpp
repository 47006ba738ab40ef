#include "loopback_http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <sstream>

namespace dialtrack::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

LoopbackHttpServer::LoopbackHttpServer(std::uint16_t port, const std::optional<ReceiverTls>& tls,
                                       Handler handler, std::string name)
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)),
      port_(acceptor_.local_endpoint().port()),
      handler_(std::move(handler)),
      name_(std::move(name)) {
  if (tls) {
    tls_.emplace(asio::ssl::context::tls_server);
    tls_->use_certificate_chain_file(tls->cert_file);
    tls_->use_private_key_file(tls->key_file, asio::ssl::context::pem);
  }
  asio::co_spawn(io_, accept_loop(), asio::detached);
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      // A broken client connection ends its own coroutine; anything reaching here is a bug of
      // the fake, and the test that uses it fails by its missing requests.
      std::fprintf(stderr, "%s stopped: %s\n", name_.c_str(), e.what());
    }
  });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stopping_ = true;
  release_held();
  io_.stop();
  thread_.join();
}

std::string LoopbackHttpServer::url(std::string_view path) const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
         std::string(path);
}

asio::awaitable<bool> LoopbackHttpServer::hold() {
  asio::steady_timer release(io_, std::chrono::hours(24));
  const auto entry = held_timers_.insert(held_timers_.end(), &release);
  boost::system::error_code ec;
  co_await release.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  held_timers_.erase(entry);
  co_return !stopping_;
}

void LoopbackHttpServer::release_held() {
  asio::post(io_, [this] { cancel_held(); });
}

void LoopbackHttpServer::cancel_held() {
  for (auto* timer : held_timers_) {
    timer->cancel();
  }
}

std::string LoopbackHttpServer::wire(const http::response<http::string_body>& response) {
  std::ostringstream out;
  out << response;
  return std::move(out).str();
}

asio::awaitable<void> LoopbackHttpServer::accept_loop() {
  for (;;) {
    auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
    if (tls_) {
      asio::co_spawn(io_, serve_tls(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(io_, serve_plain(std::move(socket)), asio::detached);
    }
  }
}

asio::awaitable<void> LoopbackHttpServer::serve_tls(tcp::socket socket) {
  asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
  boost::system::error_code ec;
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    co_await serve(stream);
  }
}

asio::awaitable<void> LoopbackHttpServer::serve_plain(tcp::socket socket) {
  co_await serve(socket);
}

template <typename Stream>
asio::awaitable<void> LoopbackHttpServer::serve(Stream& stream) {
  boost::beast::flat_buffer buffer;
  Request request;
  boost::system::error_code ec;
  co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    co_return;  // the client went away before sending a whole request
  }
  auto reply = co_await handler_(std::move(request));
  if (!reply) {
    co_return;
  }
  co_await asio::async_write(stream, asio::buffer(reply->wire),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (reply->on_written) {
    reply->on_written(!ec);
  }
  boost::beast::get_lowest_layer(stream).shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace dialtrack::test
