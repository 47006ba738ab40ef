#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dialtrack::domain {

/// A calendar day as days since 1970-01-01 (the day of an offset-free date).
using DayNumber = std::int64_t;

/// Parses `YYYY-MM-DD` (a real date of years 1970-9999); nothing otherwise.
std::optional<DayNumber> parse_date(std::string_view text);

/// Formats a day as `YYYY-MM-DD`.
std::string format_date(DayNumber day);

/// Parses a UTC offset `+HH:MM` / `-HH:MM` (also `Z`, `+HHMM`, `+HH`), at most 14 hours, in
/// whole quarter hours (as every offset in use is: the daily summary counts calls by quarter
/// hour).
std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text);

/// Formats an offset as `+HH:MM` / `-HH:MM`.
std::string format_utc_offset(std::chrono::minutes offset);

}  // namespace dialtrack::domain
