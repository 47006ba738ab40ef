#include "domain/record_draft.hpp"

#include <cstdint>

#include "domain/call_status.hpp"
#include "domain/phone.hpp"
#include "domain/time.hpp"

namespace dialtrack::domain {

std::optional<InputValue>* RecordDraft::field(std::string_view name) {
  const std::array<std::optional<InputValue>*, kRecordFields.size()> slots{
      &call_id, &task_id,    &job_group_id, &phone,    &call_status,
      &job_id,  &started_at, &ended_at,     &duration, &event_time};
  for (std::size_t i = 0; i < kRecordFields.size(); ++i) {
    if (kRecordFields[i] == name) {
      return slots[i];
    }
  }
  return nullptr;
}

std::variant<RecordInput, FieldError> validate(const RecordDraft& draft, std::string_view prefix) {
  FieldChecker in{std::string(prefix)};
  auto call_time = [&in](std::string_view key, const std::optional<InputValue>& value) {
    auto at = in.time(key, value, Need::kOptional);
    if (at && *at < kEarliestCallTime) {
      in.fail(key, Problem::kTimeTooEarly, format_timestamp(*at));
      return std::optional<Timestamp>{};
    }
    return at;
  };
  RecordInput r;
  auto call_id = in.string("call_id", draft.call_id, Need::kRequired, kMaxId);
  r.task_id = in.integer("task_id", draft.task_id, Need::kOptional, 1, INT64_MAX, "positive");
  r.fields.job_group_id = in.string("job_group_id", draft.job_group_id, Need::kOptional, kMaxId);
  auto phone = in.string("phone", draft.phone, Need::kRequired, kMaxPhone);
  auto status = in.string("call_status", draft.call_status, Need::kRequired, kMaxStatus);
  r.fields.job_id = in.string("job_id", draft.job_id, Need::kOptional, kMaxId);
  r.fields.started_at = call_time("started_at", draft.started_at);
  r.fields.ended_at = call_time("ended_at", draft.ended_at);
  r.fields.duration =
      in.integer("duration", draft.duration, Need::kOptional, 0, kMaxDuration, "non-negative");
  r.fields.event_time = call_time("event_time", draft.event_time);
  if (phone) {
    if (auto normalised = normalize_phone(*phone)) {
      r.phone = std::move(*normalised);
    } else {
      in.fail("phone", Problem::kInvalidPhone);
    }
  }
  if (status && !is_valid_call_status(*status)) {
    in.fail("call_status", Problem::kInvalidStatus);
  }
  if (draft.extra_error) {
    const auto& e = *draft.extra_error;
    in.fail(e.field, e.problem, e.expected, e.limit);
  }
  if (!in.error() && !r.task_id && !r.fields.job_group_id) {
    // Neither names the task: report the field a dialer is most likely to add.
    in.fail("task_id", Problem::kRequired);
  }
  if (in.error()) {
    return *in.error();
  }
  r.call_id = std::move(*call_id);
  r.fields.call_status = std::move(*status);
  r.fields.extra_json = draft.extra_json;
  r.field_prefix = std::string(prefix);
  return r;
}

std::optional<FieldError> future_time_error(const RecordFields& fields, Timestamp now,
                                            std::chrono::milliseconds max_future_skew,
                                            std::string_view prefix) {
  const auto latest = now + max_future_skew;
  const std::array<std::pair<std::string_view, const std::optional<Timestamp>*>, 3> times{
      {{"started_at", &fields.started_at},
       {"ended_at", &fields.ended_at},
       {"event_time", &fields.event_time}}};
  FieldChecker in{std::string(prefix)};
  for (const auto& [key, at] : times) {
    if (*at && **at > latest) {
      in.fail(key, Problem::kTimeInFuture, format_timestamp(**at),
              std::chrono::duration_cast<std::chrono::seconds>(max_future_skew).count());
    }
  }
  return in.error();
}

std::string reported_call_id(const RecordDraft& draft) {
  if (const auto* id = draft.call_id ? std::get_if<std::string>(&*draft.call_id) : nullptr) {
    return id->substr(0, kMaxId);
  }
  return {};
}

}  // namespace dialtrack::domain
