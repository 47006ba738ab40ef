#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Alibaba Cloud RPC-style request signing (signature version 1.0, HMAC-SHA1), as documented on
/// the OutboundBot "signature mechanism" page and implemented by the official SDKs (see
/// /work/shared/spec/dialers/alibaba-outboundbot.md section 2). Pure: no I/O, no clock.
namespace dialtrack::dialers::rpc {

/// Request parameters, names and values as given (not encoded). Order does not matter.
using Params = std::vector<std::pair<std::string, std::string>>;

/// RFC 3986 percent-encoding of UTF-8 bytes as Alibaba wants it: `A-Z a-z 0-9 - _ . ~` stay,
/// every other byte becomes `%XY` (uppercase hex); a space is `%20`, never `+`.
std::string percent_encode(std::string_view text);

/// `k=v` pairs of the encoded names and values, sorted by encoded name (then value) in byte
/// order, joined with `&`.
std::string canonicalized_query(const Params& params);

/// `METHOD & percent_encode("/") & percent_encode(canonicalized_query(params))`.
std::string string_to_sign(std::string_view http_method, const Params& params);

/// Base64 of HMAC-SHA1 of `data` keyed with `key` (the raw primitive; no `&` is added).
std::string hmac_sha1_base64(std::string_view key, std::string_view data);

/// The `Signature` parameter: HMAC-SHA1 keyed with `access_key_secret + "&"` over the string to
/// sign, base64. `params` must not contain `Signature` itself.
std::string sign(std::string_view http_method, const Params& params,
                 std::string_view access_key_secret);

}  // namespace dialtrack::dialers::rpc
