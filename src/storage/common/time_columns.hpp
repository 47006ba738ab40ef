#pragma once

#include <cstdint>
#include <optional>

#include "domain/types.hpp"

/// How both backends store times: bigint milliseconds since the Unix epoch (UTC).
namespace dialtrack::storage::time_columns {

inline std::int64_t millis(domain::Timestamp at) {
  return at.time_since_epoch().count();
}

inline std::optional<std::int64_t> millis(const std::optional<domain::Timestamp>& at) {
  if (!at) {
    return std::nullopt;
  }
  return millis(*at);
}

inline domain::Timestamp timestamp(std::int64_t value) {
  return domain::Timestamp{std::chrono::milliseconds{value}};
}

inline std::optional<domain::Timestamp> timestamp(const std::optional<std::int64_t>& value) {
  if (!value) {
    return std::nullopt;
  }
  return timestamp(*value);
}

}  // namespace dialtrack::storage::time_columns
