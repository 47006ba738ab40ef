#pragma once

#include <string>
#include <string_view>

namespace dialtrack::notify {

/// HMAC-SHA256 of `body` with `secret`, as lowercase hex: what `X-Dialtrack-Signature` carries
/// after `sha256=`.
std::string hmac_sha256_hex(std::string_view secret, std::string_view body);

}  // namespace dialtrack::notify
