#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "webhook_receiver.hpp"  // ReceiverTls

namespace dialtrack::test {

/// The HTTP(S) server under the tests' fakes (WebhookReceiver, FakeOutboundBot): an io_context
/// on its own thread and an acceptor on 127.0.0.1. Each connection (after the TLS handshake when
/// `tls` is given) carries one request: it is read, handed to the handler, the handler's reply
/// is written and the sending side shut down. The fakes answer `Connection: close`.
class LoopbackHttpServer {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  /// What the handler answers.
  struct Reply {
    std::string wire;  ///< the whole response, written as it is (a fake may send a broken one)
    /// Called on the io thread once the write ended: true when it was written.
    std::function<void(bool written)> on_written;
  };

  /// Runs on the io thread, once per request, and may suspend (see hold()). No reply: the
  /// connection is dropped without an answer.
  using Handler = std::function<boost::asio::awaitable<std::optional<Reply>>(Request)>;

  /// Listens on `port` (0: a free port chosen by the kernel); https when `tls` is given. `name`
  /// is the server's name in the message printed when its thread ends on an exception.
  LoopbackHttpServer(std::uint16_t port, const std::optional<ReceiverTls>& tls, Handler handler,
                     std::string name);
  /// Releases the held handlers (hold() answers false), stops the io thread and joins it; the
  /// connections still open are closed, and the port refuses connections.
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// `http://127.0.0.1:<port><path>` (https:// with TLS).
  [[nodiscard]] std::string url(std::string_view path = {}) const;

  /// For a handler: waits, without answering, until release_held() or the server stops; false
  /// when the server is stopping (the handler then returns no reply).
  boost::asio::awaitable<bool> hold();
  /// Wakes the handlers waiting in hold() (from any thread).
  void release_held();

  /// `response` as it goes on the wire.
  static std::string wire(
      const boost::beast::http::response<boost::beast::http::string_body>& response);

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve_tls(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> serve_plain(boost::asio::ip::tcp::socket socket);
  template <typename Stream>
  boost::asio::awaitable<void> serve(Stream& stream);
  void cancel_held();

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::optional<boost::asio::ssl::context> tls_;
  Handler handler_;
  std::string name_;
  std::list<boost::asio::steady_timer*> held_timers_;  ///< only touched on the io thread
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace dialtrack::test
