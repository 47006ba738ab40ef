#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "domain/types.hpp"

namespace dialtrack::domain {

/// Parses an RFC 3339 time (`2026-11-28T13:20:11Z`, `...+08:00`, fractional seconds allowed).
/// A space may replace the `T`; a time without an offset is read as UTC.
std::optional<Timestamp> parse_timestamp(std::string_view text);

/// Reads a JSON number as epoch time: seconds below 10^11, milliseconds from there on.
std::optional<Timestamp> timestamp_from_epoch_number(double value);

/// Formats as RFC 3339 UTC, with milliseconds only when they are not zero.
std::string format_timestamp(Timestamp at);

/// Room for any text of format_timestamp.
using TimestampBuffer = std::array<char, 40>;
/// format_timestamp's text written into `buffer`, without allocating (pages of records write
/// three times per record); the view is into `buffer`.
std::string_view format_timestamp(Timestamp at, TimestampBuffer& buffer);

}  // namespace dialtrack::domain
