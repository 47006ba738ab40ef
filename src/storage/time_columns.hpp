#pragma once

#include <cstdint>
#include <optional>

#include "storage/store.hpp"

/// How both backends store times: bigint milliseconds since the Unix epoch (UTC).
namespace dialtrack::storage::time_columns {

inline std::int64_t millis(Timestamp at) {
  return at.time_since_epoch().count();
}

inline std::optional<std::int64_t> millis(const std::optional<Timestamp>& at) {
  if (!at) {
    return std::nullopt;
  }
  return millis(*at);
}

inline Timestamp timestamp(std::int64_t value) {
  return Timestamp{std::chrono::milliseconds{value}};
}

inline std::optional<Timestamp> timestamp(const std::optional<std::int64_t>& value) {
  if (!value) {
    return std::nullopt;
  }
  return timestamp(*value);
}

}  // namespace dialtrack::storage::time_columns
