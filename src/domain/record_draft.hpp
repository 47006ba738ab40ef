#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/types.hpp"
#include "domain/validation.hpp"

namespace dialtrack::domain {

/// One call record as a dialer pushes it (`POST /outbound_call_records`) or a CSV import row
/// carries it, before validation. The JSON decoder (http/decoders.cpp) and the CSV row mapping
/// (cli/csv_rows.cpp) both fill one, so both follow the same rules.
struct RecordDraft {
  std::optional<InputValue> call_id;
  std::optional<InputValue> task_id;
  std::optional<InputValue> job_group_id;  ///< the record's, or else its batch's
  std::optional<InputValue> phone;
  std::optional<InputValue> call_status;
  std::optional<InputValue> job_id;
  std::optional<InputValue> started_at;
  std::optional<InputValue> ended_at;
  std::optional<InputValue> duration;  ///< seconds
  std::optional<InputValue> event_time;
  /// The record's other fields as one JSON object's text: kept with the record, never read.
  std::optional<std::string> extra_json;
  /// A problem the source found in one of those other fields (named by its key, without
  /// prefix): a number JSON cannot carry. Reported after the rules of the fields above.
  std::optional<FieldError> extra_error;

  /// The field called `name` in a push or an import (`call_id`, ... `event_time`); nullptr for
  /// any other name, which is an extra field.
  std::optional<InputValue>* field(std::string_view name);
};

/// The names of the fields of RecordDraft, as pushes and imports spell them.
inline constexpr std::array<std::string_view, 10> kRecordFields{
    "call_id", "task_id",    "job_group_id", "phone",    "call_status",
    "job_id",  "started_at", "ended_at",     "duration", "event_time"};

/// The longest duration of a call, in seconds (about 115 days).
inline constexpr std::int64_t kMaxDuration = 10'000'000;

/// The earliest call time a record may carry: 2000-01-01T00:00:00Z. No dialer reporting to
/// dialtrack placed a call before it, so an earlier time is a broken clock or a misread number
/// (a time of 0, a year 0000). It also keeps the two readings of a Unix time number apart:
/// numbers below 10^11 are seconds and from 10^11 on milliseconds (timestamp_from_epoch_number),
/// so every number a time since 2000 can be written as means one time only.
inline constexpr Timestamp kEarliestCallTime{
    std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}};

/// How far past the server's clock a record's times may lie by default (`ingest.max_future_skew`):
/// dialers' clocks drift a little; a time beyond this is a skewed clock, and storing it would make
/// every true update of the call stale (stale rule: an older `event_time` loses).
inline constexpr std::chrono::milliseconds kDefaultMaxFutureSkew = std::chrono::minutes{5};

/// A call record that passed validate(): what ingestion stores.
struct RecordInput {
  std::size_t index = 0;  ///< position in the pushed or imported batch, for the answer
  std::string call_id;
  std::optional<TaskId> task_id;
  std::string phone;    ///< normalised
  RecordFields fields;  ///< `fields.job_group_id` is the record's or else the batch's
  /// The prefix validate() named this record's fields under (`records[3]`; empty for imports
  /// and pulls), so a rule checked later (future_time_error) names them the same way.
  std::string field_prefix;
};

/// The record, or its first problem, with the field named under `prefix` (`records[3]`; empty:
/// the bare names, as a CSV import reports them). The rules, checked in this order:
/// `call_id` required text of at most kMaxId code points, `task_id` optional positive,
/// `job_group_id` optional text (kMaxId), `phone` required text (kMaxPhone), `call_status`
/// required text (kMaxStatus), `job_id` optional text (kMaxId), `started_at` and `ended_at`
/// optional times, `duration` optional in [0, kMaxDuration], `event_time` optional time (none
/// before kEarliestCallTime); then the phone must normalise, the status must be a valid name,
/// `extra_error` is reported, and the record must name its task by `task_id` or
/// `job_group_id`. Text is never empty and never holds NUL. Times past the clock are judged
/// at ingestion, which has a clock: future_time_error.
std::variant<RecordInput, FieldError> validate(const RecordDraft& draft, std::string_view prefix);

/// The first of the record's `started_at`, `ended_at` and `event_time` that lies more than
/// `max_future_skew` after `now` (kTimeInFuture, named under `prefix` as validate() names
/// fields), or nothing. Ingestion applies it with the server's clock to every record, pushed,
/// imported or pulled.
std::optional<FieldError> future_time_error(const RecordFields& fields, Timestamp now,
                                            std::chrono::milliseconds max_future_skew,
                                            std::string_view prefix);

/// The call_id a rejected record is reported under: its call_id when that is text, cut to
/// kMaxId bytes; else empty.
std::string reported_call_id(const RecordDraft& draft);

}  // namespace dialtrack::domain
