#pragma once

#include <array>
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

/// A call record that passed validate(): what ingestion stores.
struct RecordInput {
  std::size_t index = 0;  ///< position in the pushed or imported batch, for the answer
  std::string call_id;
  std::optional<TaskId> task_id;
  std::string phone;    ///< normalised
  RecordFields fields;  ///< `fields.job_group_id` is the record's or else the batch's
};

/// The record, or its first problem, with the field named under `prefix` (`records[3]`; empty:
/// the bare names, as a CSV import reports them). The rules, checked in this order:
/// `call_id` required text of at most kMaxId code points, `task_id` optional positive,
/// `job_group_id` optional text (kMaxId), `phone` required text (kMaxPhone), `call_status`
/// required text (kMaxStatus), `job_id` optional text (kMaxId), `started_at` and `ended_at`
/// optional times, `duration` optional in [0, kMaxDuration], `event_time` optional time; then
/// the phone must normalise, the status must be a valid name, `extra_error` is reported, and
/// the record must name its task by `task_id` or `job_group_id`. Text is never empty and never
/// holds NUL.
std::variant<RecordInput, FieldError> validate(const RecordDraft& draft, std::string_view prefix);

/// The call_id a rejected record is reported under: its call_id when that is text, cut to
/// kMaxId bytes; else empty.
std::string reported_call_id(const RecordDraft& draft);

}  // namespace dialtrack::domain
