#include "http/json_fields.hpp"

#include <cmath>

#include "domain/time.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

FieldReader::FieldReader(const json::object& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string FieldReader::path(std::string_view key) const {
  std::string out = prefix_;
  if (!out.empty()) {
    out += '.';
  }
  out += key;
  return out;
}

void FieldReader::fail(std::string_view key, Problem problem, std::string expected,
                       long long limit) {
  if (!error_) {
    error_ = domain::FieldError{path(key), problem, std::move(expected), limit};
  }
}

const json::value* FieldReader::find(std::string_view key, Need need) {
  if (error_) {
    return nullptr;
  }
  const auto* value = object_.if_contains(key);
  if (value == nullptr || value->is_null()) {
    if (need == Need::kRequired) {
      fail(key, Problem::kRequired);
    }
    return nullptr;
  }
  return value;
}

std::optional<std::string> FieldReader::string(std::string_view key, Need need,
                                               std::size_t max_chars, bool allow_empty) {
  const auto* value = find(key, need);
  if (value == nullptr) {
    return std::nullopt;
  }
  const auto* s = value->if_string();
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
  if (s->find('\0') != boost::json::string::npos) {
    fail(key, Problem::kNulCharacter);
    return std::nullopt;
  }
  return std::string(*s);
}

std::optional<std::int64_t> FieldReader::integer(std::string_view key, Need need, std::int64_t min,
                                                 std::int64_t max, std::string_view range) {
  const auto* value = find(key, need);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number()) {
    fail(key, Problem::kWrongType, "integer");
    return std::nullopt;
  }
  const auto number = as_int64(*value);
  if (!number || *number < min || *number > max) {
    fail(key, number ? Problem::kOutOfRange : Problem::kWrongType,
         number ? std::string(range) : "integer");
    return std::nullopt;
  }
  return number;
}

std::optional<domain::Timestamp> FieldReader::time(std::string_view key, Need need) {
  const auto* value = find(key, need);
  if (value == nullptr) {
    return std::nullopt;
  }
  std::optional<domain::Timestamp> at;
  if (const auto* s = value->if_string()) {
    at = domain::parse_timestamp(*s);
  } else if (value->is_number()) {
    at = domain::timestamp_from_epoch_number(value->to_number<double>());
  } else {
    fail(key, Problem::kWrongType, "time");
    return std::nullopt;
  }
  if (!at) {
    fail(key, Problem::kInvalidTime);
  }
  return at;
}

const json::array* FieldReader::array(std::string_view key, Need need) {
  const auto* value = find(key, need);
  if (value == nullptr) {
    return nullptr;
  }
  const auto* a = value->if_array();
  if (a == nullptr) {
    fail(key, Problem::kWrongType, "array");
  }
  return a;
}

const json::object* FieldReader::object(std::string_view key, Need need) {
  const auto* value = find(key, need);
  if (value == nullptr) {
    return nullptr;
  }
  const auto* o = value->if_object();
  if (o == nullptr) {
    fail(key, Problem::kWrongType, "object");
  }
  return o;
}

std::optional<std::int64_t> as_int64(const json::value& value) {
  if (const auto* i = value.if_int64()) {
    return *i;
  }
  if (const auto* u = value.if_uint64()) {
    if (*u <= static_cast<std::uint64_t>(INT64_MAX)) {
      return static_cast<std::int64_t>(*u);
    }
    return std::nullopt;
  }
  if (const auto* d = value.if_double()) {
    // 9.2e18 is the largest double below 2^63; integral doubles like 3.0 are accepted.
    if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9.2e18) {
      return static_cast<std::int64_t>(*d);
    }
  }
  return std::nullopt;
}

bool is_finite_json(const json::value& value) {
  if (const auto* d = value.if_double()) {
    return std::isfinite(*d);
  }
  if (const auto* a = value.if_array()) {
    for (const auto& item : *a) {
      if (!is_finite_json(item)) {
        return false;
      }
    }
  }
  if (const auto* o = value.if_object()) {
    for (const auto& [key, item] : *o) {
      if (!is_finite_json(item)) {
        return false;
      }
    }
  }
  return true;
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

}  // namespace dialtrack::http
