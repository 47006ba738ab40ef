#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/timeouts.hpp"

namespace dialtrack::test {

/// One request the receiver got, and what it answered (0 while held, or when it was never
/// answered).
struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;
  unsigned answered = 0;

  [[nodiscard]] std::string header(const std::string& lower_case_name) const;
};

/// The certificate and key (PEM files) of a receiver that speaks https.
struct ReceiverTls {
  std::string cert_file;
  std::string key_file;
};

/// Writes a self-signed certificate for 127.0.0.1 (its subjectAltName) and its key into `dir`
/// with the openssl command; a client trusts it as a CA (`webhooks.ca_file`).
ReceiverTls make_test_certificate(const std::string& dir);

/// A webhook receiver for tests: a real HTTP server on 127.0.0.1 (Boost.Beast, its own thread)
/// that records every request. It answers 200 unless told to fail the next requests, answer
/// another status, or hold requests without answering; destroying it takes it down (connections
/// refused), and a new one can come up on the same port.
class WebhookReceiver {
 public:
  /// Listens on `port` (0: a free port chosen by the kernel); https when `tls` is given.
  explicit WebhookReceiver(std::uint16_t port = 0, std::optional<ReceiverTls> tls = std::nullopt);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  /// `http://127.0.0.1:<port><path>` (https:// with TLS).
  [[nodiscard]] std::string url(std::string_view path = "/hook") const;

  /// The next `count` requests are answered 500.
  void fail_next(int count);
  /// Requests after that are answered with `status`.
  void answer_with(unsigned status);
  /// While on, requests are held unanswered; turning it off answers the held ones.
  void hold(bool on);

  [[nodiscard]] std::vector<ReceivedRequest> requests() const;
  /// How many requests are being held right now.
  [[nodiscard]] std::size_t held() const;
  /// Waits until `done(requests(), held())` is true; false when the deadline passed first.
  bool wait_until(
      const std::function<bool(const std::vector<ReceivedRequest>&, std::size_t held)>& done,
      std::chrono::milliseconds deadline = answer_deadline());
  /// Waits until at least `count` requests were answered 2xx.
  bool wait_for_successes(std::size_t count,
                          std::chrono::milliseconds deadline = answer_deadline());

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// HMAC-SHA256 of `body` keyed with `secret`, lowercase hex (computed here with OpenSSL, apart
/// from the service's code).
std::string hmac_sha256_hex(std::string_view secret, std::string_view body);

}  // namespace dialtrack::test
