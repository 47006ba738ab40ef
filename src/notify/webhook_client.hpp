#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace dialtrack::notify {

/// One POST to a webhook receiver.
struct Post {
  std::string url;  ///< http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< sent as application/json
};

/// How a POST ended: the receiver's HTTP status when it answered, else why it did not.
struct PostResult {
  std::optional<int> status;
  std::string error;  ///< empty when the receiver answered
};

/// A blocking HTTP/1.1 client for webhook deliveries (Boost.Beast; https through OpenSSL,
/// verifying the receiver's certificate and name against the system's trusted roots, and the
/// certificates of `ca_file` when one is given). One instance per thread; `cancel` may be
/// called from any thread.
class WebhookClient {
 public:
  /// Unless `allow_private_targets`, a receiver is only connected to at the public addresses
  /// its name resolves to (domain/address.hpp); a name with none fails the attempt. The
  /// connection goes to the vetted address itself, so a second resolution cannot swap it.
  explicit WebhookClient(const std::string& ca_file = {}, bool allow_private_targets = false);
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  /// Sends all `posts` at once, each on its own connection, and returns once every one was
  /// answered, failed, or ran out of `timeout` (resolve, connect, TLS, write and read
  /// together). Results are in the order of `posts`.
  std::vector<PostResult> send(std::span<const Post> posts, std::chrono::milliseconds timeout);

  /// Aborts the sends in flight and makes every later `send` fail at once (for shutdown).
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialtrack::notify
