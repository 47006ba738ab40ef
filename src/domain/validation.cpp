#include "domain/validation.hpp"

#include <cmath>

#include "domain/time.hpp"

namespace dialtrack::domain {

FieldChecker::FieldChecker(std::string prefix) : prefix_(std::move(prefix)) {}

std::string FieldChecker::path(std::string_view key) const {
  std::string out = prefix_;
  if (!out.empty()) {
    out += '.';
  }
  out += key;
  return out;
}

void FieldChecker::fail(std::string_view key, Problem problem, std::string expected,
                        long long limit) {
  if (!error_) {
    error_ = FieldError{path(key), problem, std::move(expected), limit};
  }
}

bool FieldChecker::present(std::string_view key, bool given, Need need) {
  if (error_) {
    return false;
  }
  if (!given && need == Need::kRequired) {
    fail(key, Problem::kRequired);
  }
  return given;
}

std::optional<std::string> FieldChecker::string(std::string_view key,
                                                const std::optional<InputValue>& value, Need need,
                                                std::size_t max_chars, bool allow_empty) {
  if (!present(key, value.has_value(), need)) {
    return std::nullopt;
  }
  const auto* s = std::get_if<std::string>(&*value);
  if (s == nullptr) {
    fail(key, Problem::kWrongType, "string");
    return std::nullopt;
  }
  if (s->empty() && !allow_empty) {
    fail(key, Problem::kEmpty);
    return std::nullopt;
  }
  if (utf8_length(*s) > max_chars) {
    fail(key, Problem::kTooLong, {}, static_cast<long long>(max_chars));
    return std::nullopt;
  }
  // Refused on every backend alike: PostgreSQL cannot store it, and nobody means it.
  if (s->find('\0') != std::string::npos) {
    fail(key, Problem::kNulCharacter);
    return std::nullopt;
  }
  return *s;
}

std::optional<std::int64_t> FieldChecker::integer(std::string_view key,
                                                  const std::optional<InputValue>& value, Need need,
                                                  std::int64_t min, std::int64_t max,
                                                  std::string_view range) {
  if (!present(key, value.has_value(), need)) {
    return std::nullopt;
  }
  if (!std::holds_alternative<std::int64_t>(*value) && !std::holds_alternative<double>(*value)) {
    fail(key, Problem::kWrongType, "integer");
    return std::nullopt;
  }
  const auto number = whole_number(*value);
  if (!number || *number < min || *number > max) {
    fail(key, number ? Problem::kOutOfRange : Problem::kWrongType,
         number ? std::string(range) : "integer");
    return std::nullopt;
  }
  return number;
}

std::optional<Timestamp> FieldChecker::time(std::string_view key,
                                            const std::optional<InputValue>& value, Need need) {
  if (!present(key, value.has_value(), need)) {
    return std::nullopt;
  }
  std::optional<Timestamp> at;
  if (const auto* s = std::get_if<std::string>(&*value)) {
    at = parse_timestamp(*s);
  } else if (const auto* i = std::get_if<std::int64_t>(&*value)) {
    at = timestamp_from_epoch_number(static_cast<double>(*i));
  } else if (const auto* d = std::get_if<double>(&*value)) {
    at = timestamp_from_epoch_number(*d);
  } else {
    fail(key, Problem::kWrongType, "time");
    return std::nullopt;
  }
  if (!at) {
    fail(key, Problem::kInvalidTime);
  }
  return at;
}

std::optional<std::int64_t> whole_number(const InputValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return *i;
  }
  if (const auto* d = std::get_if<double>(&value)) {
    // 9.2e18 is the largest double below 2^63; integral doubles like 3.0 are accepted.
    if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9.2e18) {
      return static_cast<std::int64_t>(*d);
    }
  }
  return std::nullopt;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    // Count every byte that does not continue a multi-byte sequence.
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++count;
    }
  }
  return count;
}

}  // namespace dialtrack::domain
