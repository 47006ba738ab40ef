#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "domain/types.hpp"
#include "storage/common/time_columns.hpp"

/// What the ports of the PostgreSQL store share to write their statements and parameters.
/// Times are bigint milliseconds since the Unix epoch, as in the SQLite schema.
namespace dialtrack::storage::postgres {

/// The text of a statement made of parts, for statements that name a column list kept in one
/// constant (the columns the port's row reader expects, in its order).
inline std::string sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const auto part : parts) {
    out += part;
  }
  return out;
}

/// An optional time as an element of a text array parameter (empty: NULL).
inline std::optional<std::string> millis_text(const std::optional<domain::Timestamp>& at) {
  if (!at) {
    return std::nullopt;
  }
  return std::to_string(time_columns::millis(*at));
}

/// An optional integer as an element of a text array parameter (empty: NULL).
inline std::optional<std::string> int_text(const std::optional<std::int64_t>& value) {
  if (!value) {
    return std::nullopt;
  }
  return std::to_string(*value);
}

}  // namespace dialtrack::storage::postgres
