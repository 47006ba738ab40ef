#include "domain/calendar.hpp"

#include <cstdio>

namespace dialtrack::domain {
namespace {

std::optional<int> digits(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<DayNumber> parse_date(std::string_view text) {
  using namespace std::chrono;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const auto y = digits(text.substr(0, 4));
  const auto m = digits(text.substr(5, 2));
  const auto d = digits(text.substr(8, 2));
  if (!y || !m || !d || *y < 1970) {
    return std::nullopt;
  }
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*m)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return sys_days{date}.time_since_epoch().count();
}

std::string format_date(DayNumber day_number) {
  using namespace std::chrono;
  const year_month_day date{sys_days{days{day_number}}};
  char out[48];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return out;
}

std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text) {
  if (text == "Z" || text == "z") {
    return std::chrono::minutes{0};
  }
  if (text.size() < 3 || (text[0] != '+' && text[0] != '-')) {
    return std::nullopt;
  }
  const int sign = text[0] == '-' ? -1 : 1;
  auto rest = text.substr(1);
  std::optional<int> hours;
  std::optional<int> minutes = 0;
  if (rest.size() == 2) {
    hours = digits(rest);
  } else if (rest.size() == 4) {
    hours = digits(rest.substr(0, 2));
    minutes = digits(rest.substr(2, 2));
  } else if (rest.size() == 5 && rest[2] == ':') {
    hours = digits(rest.substr(0, 2));
    minutes = digits(rest.substr(3, 2));
  }
  if (!hours || !minutes || *minutes > 59 || *minutes % 15 != 0 ||
      *hours * 60 + *minutes > 14 * 60) {
    return std::nullopt;
  }
  return std::chrono::minutes{sign * (*hours * 60 + *minutes)};
}

std::string format_utc_offset(std::chrono::minutes offset) {
  const auto total = offset.count();
  const long long magnitude = total < 0 ? -total : total;
  char out[48];
  std::snprintf(out, sizeof out, "%c%02lld:%02lld", total < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  return out;
}

}  // namespace dialtrack::domain
