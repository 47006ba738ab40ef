#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/interface.hpp"

namespace dialtrack::app {

/// One POST to a webhook receiver.
struct WebhookPost {
  std::string url;  ///< http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< sent as application/json
};

/// How a POST ended: the receiver's HTTP status when it answered, else why it did not.
struct PostResult {
  std::optional<int> status;
  std::string error;  ///< empty when the receiver answered
};

/// The port webhook deliveries go out through (notify/ implements it over HTTP(S), with the
/// address vetting and TLS settings of the configuration).
class WebhookSender : public domain::Interface {
 public:
  /// Sends all `posts` at once and returns once every one was answered, failed, or ran out of
  /// `timeout` (its own deadline, from the lookup to the last byte). Results are in the order
  /// of `posts`. Blocking; several threads may send at once.
  virtual std::vector<PostResult> send(std::span<const WebhookPost> posts,
                                       std::chrono::milliseconds timeout) = 0;

  /// Aborts the sends in flight and makes every later `send` fail at once (for shutdown); any
  /// thread may call it.
  virtual void cancel() = 0;
};

/// Signs webhook bodies (HMAC-SHA256: notify/ computes it with OpenSSL, which app does not
/// link).
class WebhookSigner : public domain::Interface {
 public:
  /// HMAC-SHA256 of `body` with `secret`, as lowercase hex: what `X-Dialtrack-Signature`
  /// carries after `sha256=`.
  [[nodiscard]] virtual std::string hmac_sha256_hex(std::string_view secret,
                                                    std::string_view body) const = 0;
};

}  // namespace dialtrack::app
