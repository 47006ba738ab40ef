#include "http/json_fields.hpp"

#include <cmath>

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

std::optional<domain::InputValue> input_value(const json::value* value) {
  if (value == nullptr || value->is_null()) {
    return std::nullopt;
  }
  if (const auto* s = value->if_string()) {
    return domain::InputValue(std::string(*s));
  }
  if (const auto* i = value->if_int64()) {
    return domain::InputValue(*i);
  }
  if (const auto* u = value->if_uint64()) {
    if (*u <= static_cast<std::uint64_t>(INT64_MAX)) {
      return domain::InputValue(static_cast<std::int64_t>(*u));
    }
    // Beyond int64: no whole number of ours, but still a time in seconds or milliseconds.
    return domain::InputValue(static_cast<double>(*u));
  }
  if (const auto* d = value->if_double()) {
    return domain::InputValue(*d);
  }
  return domain::InputValue(domain::OtherValue{});
}

FieldReader::FieldReader(const json::object& object, std::string prefix)
    : object_(object), check_(std::move(prefix)) {}

void FieldReader::fail(std::string_view key, Problem problem, std::string expected,
                       long long limit) {
  check_.fail(key, problem, std::move(expected), limit);
}

std::optional<domain::InputValue> FieldReader::value(std::string_view key) const {
  if (check_.error()) {
    return std::nullopt;
  }
  return input_value(object_.if_contains(key));
}

const json::value* FieldReader::find(std::string_view key, Need need) {
  const auto* value = object_.if_contains(key);
  if (value != nullptr && value->is_null()) {
    value = nullptr;
  }
  return check_.present(key, value != nullptr, need) ? value : nullptr;
}

std::optional<std::string> FieldReader::string(std::string_view key, Need need,
                                               std::size_t max_chars, bool allow_empty) {
  return check_.string(key, value(key), need, max_chars, allow_empty);
}

std::optional<std::int64_t> FieldReader::integer(std::string_view key, Need need, std::int64_t min,
                                                 std::int64_t max, std::string_view range) {
  return check_.integer(key, value(key), need, min, max, range);
}

std::optional<domain::Timestamp> FieldReader::time(std::string_view key, Need need) {
  return check_.time(key, value(key), need);
}

namespace {

/// `typed`: the field `key` as the JSON type `expected` names, or null when it is of another
/// type, which is a problem of `in`.
template <typename T>
const T* expect_type(FieldReader& in, std::string_view key, const T* typed, const char* expected) {
  if (typed == nullptr) {
    in.fail(key, Problem::kWrongType, expected);
  }
  return typed;
}

}  // namespace

const json::array* FieldReader::array(std::string_view key, Need need) {
  const auto* value = find(key, need);
  return value == nullptr ? nullptr : expect_type(*this, key, value->if_array(), "array");
}

const json::object* FieldReader::object(std::string_view key, Need need) {
  const auto* value = find(key, need);
  return value == nullptr ? nullptr : expect_type(*this, key, value->if_object(), "object");
}

std::optional<std::int64_t> as_int64(const json::value& value) {
  if (!value.is_number()) {
    return std::nullopt;
  }
  return domain::whole_number(*input_value(&value));
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

}  // namespace dialtrack::http
