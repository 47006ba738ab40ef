#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "app/webhook_sender.hpp"

namespace dialtrack::notify {

struct SenderOptions {
  std::string ca_file;  ///< PEM certificates trusted for https receivers beside the system's
  bool allow_private_targets = false;  ///< may connect to loopback, private, link-local receivers
};

/// app::WebhookSender over the service's HTTP(S) client (net/http_client.hpp): a batch's POSTs
/// run as coroutines on one io_context, each on its own connection with its own deadline.
/// Unless `allow_private_targets`, a receiver is only connected to at the public addresses its
/// name resolves to (domain/address.hpp); a name with none fails the attempt. Each sending
/// thread gets an io_context of its own, kept for its later batches; `cancel` stops them all.
/// Destroy it only once no thread sends any more.
class HttpWebhookSender final : public app::WebhookSender {
 public:
  /// Throws std::runtime_error when `ca_file` cannot be loaded.
  explicit HttpWebhookSender(const SenderOptions& options);
  ~HttpWebhookSender() override;

  std::vector<app::PostResult> send(std::span<const app::WebhookPost> posts,
                                    std::chrono::milliseconds timeout) override;
  void cancel() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialtrack::notify
