#pragma once

#include <string>
#include <string_view>

#include "app/webhook_sender.hpp"

namespace dialtrack::notify {

/// HMAC-SHA256 of `body` with `secret`, as lowercase hex: what `X-Dialtrack-Signature` carries
/// after `sha256=`.
std::string hmac_sha256_hex(std::string_view secret, std::string_view body);

/// app::WebhookSigner with OpenSSL's HMAC.
class HmacSigner final : public app::WebhookSigner {
 public:
  [[nodiscard]] std::string hmac_sha256_hex(std::string_view secret,
                                            std::string_view body) const override {
    return notify::hmac_sha256_hex(secret, body);
  }
};

}  // namespace dialtrack::notify
