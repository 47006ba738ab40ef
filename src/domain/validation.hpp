#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/types.hpp"

namespace dialtrack::domain {

/// What is wrong with one input field; `http/` turns it into a message in the caller's language.
enum class Problem {
  kRequired,   ///< the field is missing or null
  kWrongType,  ///< `expected` names the JSON type wanted
  kTooLong,    ///< `limit` is the maximum length or count
  kEmpty,      ///< a string or list that must not be empty
  kInvalidPhone,
  kInvalidStatus,
  kInvalidTime,
  kOutOfRange,    ///< a number outside its range; `expected` describes it
  kTooMany,       ///< a list longer than `limit`
  kInvalidUrl,    ///< not an http:// or https:// URL with a host
  kUnknownEvent,  ///< not one of the webhook events
  kNulCharacter,  ///< a string holding U+0000, which PostgreSQL text cannot store
  kInvalidUtf8,   ///< text that is not UTF-8 (a percent-encoded query value can be anything)
  /// A time before domain::kEarliestCallTime; `expected` is the time as read (RFC 3339).
  kTimeTooEarly,
  /// A time further ahead of the server's clock than allowed; `expected` is the time as read,
  /// `limit` the allowance in seconds.
  kTimeInFuture,
};

/// A problem with the named field (`leads[3].phone`, `records[0].call_status`).
struct FieldError {
  std::string field;
  Problem problem = Problem::kRequired;
  std::string expected;
  long long limit = 0;

  bool operator==(const FieldError&) const = default;
};

/// The longest names (task, lead), in Unicode code points.
inline constexpr std::size_t kMaxName = 200;
/// The longest ids a dialer gives (call, job, job group), in code points.
inline constexpr std::size_t kMaxId = 128;
/// The longest phone number as given, before normalisation.
inline constexpr std::size_t kMaxPhone = 64;
/// The longest call status name.
inline constexpr std::size_t kMaxStatus = 64;

/// A value no field accepts: a JSON `true`, array or object.
struct OtherValue {
  bool operator==(const OtherValue&) const = default;
};

/// One field as a request or a CSV row carried it, before any rule ran: text, a whole number
/// that fits in int64, another number (`1.5`, `1e300`, a whole number beyond int64), or
/// something else. The rules below decide which of these each field accepts.
using InputValue = std::variant<std::string, std::int64_t, double, OtherValue>;

enum class Need { kOptional, kRequired };

/// Applies the rules of single fields (presence, type, length, range, time format) and keeps
/// the first problem, named by its full path (`records[4].call_id`). After the first problem
/// every further check returns empty, so callers look at `error()` once at the end.
class FieldChecker {
 public:
  explicit FieldChecker(std::string prefix);

  /// Text of at most `max_chars` Unicode code points without NUL; empty text is a problem
  /// unless `allow_empty`.
  std::optional<std::string> string(std::string_view key, const std::optional<InputValue>& value,
                                    Need need, std::size_t max_chars, bool allow_empty = false);
  /// A whole number in [min, max]; `range` names the range in messages (http/messages.cpp).
  std::optional<std::int64_t> integer(std::string_view key, const std::optional<InputValue>& value,
                                      Need need, std::int64_t min, std::int64_t max,
                                      std::string_view range);
  /// A time: RFC 3339 text or a Unix time number (domain/time.hpp).
  std::optional<Timestamp> time(std::string_view key, const std::optional<InputValue>& value,
                                Need need);
  /// True when the field is `given` and no problem was found before; an absent field that is
  /// `kRequired` is a problem.
  bool present(std::string_view key, bool given, Need need);

  /// Records a problem with `key` unless one was found before.
  void fail(std::string_view key, Problem problem, std::string expected = {}, long long limit = 0);
  [[nodiscard]] const std::optional<FieldError>& error() const { return error_; }
  /// `key` under the prefix: `records[4].call_id`, or `call_id` with an empty prefix.
  [[nodiscard]] std::string path(std::string_view key) const;

 private:
  std::string prefix_;
  std::optional<FieldError> error_;
};

/// A whole number as int64: an int64 as it is, an integral double below 2^63 in magnitude
/// (`3.0`); empty for anything else.
std::optional<std::int64_t> whole_number(const InputValue& value);

/// Counts the Unicode code points of valid UTF-8 text.
std::size_t utf8_length(std::string_view text);

}  // namespace dialtrack::domain
