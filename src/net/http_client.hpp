#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace dialtrack::dialers {

/// Where a dialer's API lives: `https://host[:port]` (TLS, certificate and name verified) or
/// `http://host[:port]` (plain TCP: for local fakes in tests).
struct Endpoint {
  bool tls = true;
  std::string host;
  std::string port;
  std::string host_header;  ///< host[:port] as written in the URL

  /// Parses `http(s)://host[:port][/]`; nothing when it is not such a URL.
  static std::optional<Endpoint> parse(std::string_view url);
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
};

using HttpOutcome = std::variant<HttpAnswer, HttpFailure>;

/// A blocking HTTP/1.1 client (Boost.Beast over TCP, TLS through OpenSSL) for dialer APIs. One
/// request per connection; every call may run on its own thread at once.
class HttpClient {
 public:
  /// `ca_file`: extra trusted certificates (PEM) beside the system's; empty for none.
  explicit HttpClient(const std::string& ca_file = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `method target` to the endpoint and reads the answer, all within `timeout`
  /// (resolve, connect, TLS, write and read together).
  HttpOutcome request(const Endpoint& endpoint, std::string_view method, std::string_view target,
                      std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialtrack::dialers
