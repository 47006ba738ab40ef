#include "domain/time.hpp"

#include <cmath>
#include <cstdio>

namespace dialtrack::domain {
namespace {

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > text.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return std::nullopt;
  }
  ++pos;
  if (!read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, second)) {
    return std::nullopt;
  }
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) {
        millis = millis * 10 + (text[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) {
      return std::nullopt;
    }
    for (int d = digits; d < 3; ++d) {
      millis *= 10;
    }
  }
  // What follows the time: nothing (UTC), `Z`, or `+HH:MM` / `-HH:MM`.
  int offset_minutes = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset_minutes = 0;
  } else if (!zone.empty()) {
    const char sign = zone.front();
    std::size_t at = 1;
    int oh = 0;
    int om = 0;
    if ((sign != '+' && sign != '-') || !read_digits(zone, at, 2, oh) || !expect(zone, at, ':') ||
        !read_digits(zone, at, 2, om) || at != zone.size() || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (sign == '-' ? -1 : 1);
  }
  if (hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year{year},
                           std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  const auto at = time_point_cast<milliseconds>(sys_days{ymd} + hours{hour} + minutes{minute} +
                                                seconds{second} + milliseconds{millis} -
                                                minutes{offset_minutes});
  // An offset or a leap second can carry 0000-01-01 or 9999-12-31 out of the four-digit years,
  // which format_timestamp could not show as RFC 3339 (found by fuzz/timestamp_fuzzer).
  constexpr auto kFirst = sys_days{std::chrono::year{0} / 1 / 1};
  constexpr auto kEnd = sys_days{std::chrono::year{10000} / 1 / 1};
  if (at < kFirst || at >= kEnd) {
    return std::nullopt;
  }
  return at;
}

std::optional<Timestamp> timestamp_from_epoch_number(double value) {
  // Past year 9999 in milliseconds, or negative: no dialer means that.
  constexpr double kMaxMillis = 253402300799999.0;
  if (!std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  const double millis = value < 1e11 ? value * 1000.0 : value;
  if (millis > kMaxMillis) {
    return std::nullopt;
  }
  return Timestamp{std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(millis))}};
}

std::string_view format_timestamp(Timestamp at, TimestampBuffer& buffer) {
  using namespace std::chrono;
  const auto day_point = floor<days>(at);
  const year_month_day ymd{day_point};
  const hh_mm_ss<milliseconds> tod{at - day_point};
  const int year = int{ymd.year()};
  const auto millis = static_cast<unsigned>(tod.subseconds().count());
  const auto hours = static_cast<unsigned>(tod.hours().count());
  const auto minutes = static_cast<unsigned>(tod.minutes().count());
  const auto seconds = static_cast<unsigned>(tod.seconds().count());
  if (year < 0 || year > 9999) {
    // Outside four digits: printf's widths say what the text is (`-001-...`, `10000-...`).
    const int length =
        millis == 0
            ? std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02u:%02u:%02uZ", year,
                            unsigned{ymd.month()}, unsigned{ymd.day()}, hours, minutes, seconds)
            : std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ",
                            year, unsigned{ymd.month()}, unsigned{ymd.day()}, hours, minutes,
                            seconds, millis);
    return {buffer.data(), static_cast<std::size_t>(length)};
  }
  // The usual case without printf (it was 8 % of a follow-up page's CPU): fixed-width digits.
  char* p = buffer.data();
  const auto digits = [&p](unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  digits(static_cast<unsigned>(year), 4);
  *p++ = '-';
  digits(unsigned{ymd.month()}, 2);
  *p++ = '-';
  digits(unsigned{ymd.day()}, 2);
  *p++ = 'T';
  digits(hours, 2);
  *p++ = ':';
  digits(minutes, 2);
  *p++ = ':';
  digits(seconds, 2);
  if (millis != 0) {
    *p++ = '.';
    digits(millis, 3);
  }
  *p++ = 'Z';
  return {buffer.data(), static_cast<std::size_t>(p - buffer.data())};
}

std::string format_timestamp(Timestamp at) {
  TimestampBuffer buffer;
  return std::string(format_timestamp(at, buffer));
}

}  // namespace dialtrack::domain
