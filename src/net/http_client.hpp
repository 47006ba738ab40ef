#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "net/endpoint.hpp"

namespace dialtrack::net {

/// What to send. `Host` and `Connection: close` are added; `Content-Length` too when there is
/// a body (or the method is one that carries a body).
struct Request {
  std::string method = "GET";
  std::string target = "/";                                  ///< path and query
  std::vector<std::pair<std::string, std::string>> headers;  ///< name, value
  std::string body;
};

/// A complete answer (any status).
struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;
};

/// No complete answer: why.
struct HttpFailure {
  bool truncated = false;  ///< the answer started but its body was cut short
  std::string message;
  std::optional<int> status;  ///< the answer's status, when its head arrived before the failure
};

using HttpOutcome = std::variant<HttpAnswer, HttpFailure>;

/// Which of the addresses a name resolved to may be connected to: the ones to try, in order,
/// or why none may (the request then fails with that message and connects nowhere).
using ConnectFilter =
    std::function<std::variant<std::vector<boost::asio::ip::tcp::endpoint>, std::string>(
        std::string_view host, std::span<const boost::asio::ip::tcp::endpoint> resolved)>;

/// How a client connects: whom it trusts, where it may connect, how much it reads.
struct ClientOptions {
  /// PEM file of CA certificates trusted beside the system's roots; empty for none.
  std::string ca_file;
  /// The setting `ca_file` comes from, named when the file cannot be loaded.
  std::string ca_file_setting = "ca_file";
  /// Vets the resolved addresses before connecting (webhooks reach public addresses only);
  /// empty: every address may be tried. The connection goes to a vetted address itself, so a
  /// second resolution cannot swap it.
  ConnectFilter connect_filter;
  /// Answers with a longer body fail (`truncated`, with their status) instead of being
  /// buffered.
  std::uint64_t max_answer_body = std::uint64_t{64} * 1024 * 1024;
};

/// The HTTP/1.1 client of the service (Boost.Beast over Asio coroutines; https through
/// OpenSSL, verifying the server's certificate chain against the system's roots and
/// `ca_file`, and its name): dialer connectors, webhook delivery and the simulator use it. One
/// request per connection. The client is immutable once built: any number of requests may run
/// at once, on any executors and threads.
class HttpClient {
 public:
  /// Throws std::runtime_error when `ca_file` cannot be loaded.
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request` to `endpoint` on the calling coroutine's executor and reads the answer,
  /// all before `timeout` has passed (name lookup, connect, TLS handshake, write and read
  /// together). A lookup still running at the deadline is left behind (getaddrinfo cannot be
  /// interrupted): it ends on its own on the executor's context, and nothing waits for it.
  /// Cancellation (terminal) ends the request with a failure. The client must outlive it.
  [[nodiscard]] boost::asio::awaitable<HttpOutcome> request(
      Endpoint endpoint, Request request, std::chrono::milliseconds timeout) const;

  /// `request` for synchronous callers: runs it on a private io_context and returns its
  /// outcome. One limit: a lookup left behind at the deadline is waited for when that context
  /// is destroyed (Asio joins its resolver thread), so a hung DNS server delays the return
  /// until the system resolver gives up (resolv.conf), though the outcome is the timeout.
  [[nodiscard]] HttpOutcome request_blocking(const Endpoint& endpoint, const Request& request,
                                             std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialtrack::net
