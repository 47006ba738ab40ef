#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/types.hpp"
#include "domain/validation.hpp"

namespace dialtrack::http {

using domain::Need;

/// A JSON value as the domain's field rules read it (domain/validation.hpp): absent (nullptr)
/// and null are nothing; a string is text; an integer that fits int64 a whole number; any other
/// number a double; true, false, arrays and objects something else.
std::optional<domain::InputValue> input_value(const boost::json::value* value);

/// Reads typed fields of one JSON object and remembers the first problem, named by its full
/// path (`records[4].call_id`). A missing or null optional field reads as empty. After the
/// first problem every further read returns empty, so callers check `error()` once at the end.
/// The rules of each field are the domain's (domain::FieldChecker).
class FieldReader {
 public:
  FieldReader(const boost::json::object& object, std::string prefix);

  /// A string of at most `max_chars` characters (Unicode code points); empty strings are a
  /// problem unless `allow_empty`.
  std::optional<std::string> string(std::string_view key, Need need, std::size_t max_chars,
                                    bool allow_empty = false);
  /// An integer in [min, max]; `range` names the range in messages (see messages.cpp).
  std::optional<std::int64_t> integer(std::string_view key, Need need, std::int64_t min,
                                      std::int64_t max, std::string_view range);
  /// A time: RFC 3339 string or Unix time number.
  std::optional<domain::Timestamp> time(std::string_view key, Need need);
  const boost::json::array* array(std::string_view key, Need need);
  const boost::json::object* object(std::string_view key, Need need);

  void fail(std::string_view key, domain::Problem problem, std::string expected = {},
            long long limit = 0);
  [[nodiscard]] const std::optional<domain::FieldError>& error() const { return check_.error(); }
  [[nodiscard]] std::string path(std::string_view key) const { return check_.path(key); }

 private:
  const boost::json::value* find(std::string_view key, Need need);
  /// The field's value for the domain's rules; nothing once a problem was found.
  [[nodiscard]] std::optional<domain::InputValue> value(std::string_view key) const;

  const boost::json::object& object_;
  domain::FieldChecker check_;
};

/// Reads a JSON integer (or an integral double) as int64; empty for anything else.
std::optional<std::int64_t> as_int64(const boost::json::value& value);

/// False when `value` holds, at any depth, a number outside the range of a double: Boost.JSON
/// reads `1e309` as infinity and would write it back as `Infinity`, which is not JSON, so such
/// a value must not be stored as JSON text (found by fuzz/record_batch_fuzzer).
bool is_finite_json(const boost::json::value& value);

}  // namespace dialtrack::http
