#pragma once

#include <string>

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
};

/// A problem with the named field (`leads[3].phone`, `records[0].call_status`).
struct FieldError {
  std::string field;
  Problem problem = Problem::kRequired;
  std::string expected;
  long long limit = 0;
};

}  // namespace dialtrack::domain
