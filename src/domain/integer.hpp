#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dialtrack::domain {

/// A decimal 64-bit integer that is the whole of `text` (an optional leading '-', digits, no
/// spaces, no '+'), or nothing: empty, other characters or out of range. The one parser of the
/// config, the query string, the CSV imports, the dialer's answers and the signed-push header.
std::optional<std::int64_t> parse_int64(std::string_view text);

}  // namespace dialtrack::domain
