#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/timeouts.hpp"

namespace dialtrack::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// One HTTP answer as received, with its body parsed as JSON when it is JSON.
struct Response {
  unsigned status = 0;
  Headers headers;
  std::string body;
  bool keep_alive = true;
  bool is_json = false;
  boost::json::value json;  ///< null unless is_json

  /// The first header with this name (case-insensitive).
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  /// The envelope's parts; they throw (failing the test) when the body is not an envelope.
  [[nodiscard]] const boost::json::object& envelope() const;
  [[nodiscard]] const boost::json::value& data() const;
  [[nodiscard]] const boost::json::object& data_object() const;
  [[nodiscard]] std::string message() const;
  /// Status line and body, for assertion messages.
  [[nodiscard]] std::string describe() const;
};

/// A keep-alive HTTP/1.1 connection to 127.0.0.1:port (Boost.Beast, synchronous). Every read
/// and write has a deadline, so a server that hangs fails the test instead of hanging it.
/// It never reconnects by itself: a server that drops a keep-alive connection is a finding.
class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port,
                          std::chrono::milliseconds timeout = answer_deadline());
  ~HttpConnection();
  HttpConnection(HttpConnection&&) noexcept;
  HttpConnection& operator=(HttpConnection&&) noexcept;

  /// Sends one request and reads its answer. A JSON body gets `Content-Type: application/json`
  /// unless `headers` sets one.
  Response request(std::string_view method, std::string_view target, std::string body = {},
                   const Headers& headers = {});
  Response get(std::string_view target, const Headers& headers = {}) {
    return request("GET", target, {}, headers);
  }
  Response post(std::string_view target, const boost::json::value& body,
                const Headers& headers = {});
  Response post_text(std::string_view target, std::string body, const Headers& headers = {}) {
    return request("POST", target, std::move(body), headers);
  }
  Response del(std::string_view target, const Headers& headers = {}) {
    return request("DELETE", target, {}, headers);
  }

  /// Writes bytes as they are (malformed, pipelined or hand-framed requests).
  void send_raw(std::string_view bytes);
  /// Writes bytes but stops as soon as the server answers or closes, the way a client must
  /// send a body the server may refuse early (413); then reads that answer.
  Response send_raw_until_answer(std::string_view bytes);
  /// Reads one answer from the connection.
  Response read_response();
  /// Waits until the server closes the connection: true when it did (any bytes it sent before
  /// closing are discarded), false when the deadline passed first.
  bool wait_for_close(std::chrono::milliseconds deadline);
  /// Closes our side.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A fresh GET on a fresh connection (for one-off checks).
Response get_once(std::uint16_t port, std::string_view target, const Headers& headers = {});

}  // namespace dialtrack::test
