#include "domain/record_draft.hpp"

#include <gtest/gtest.h>

#include <string>

#include "domain/time.hpp"

namespace dialtrack::domain {
namespace {

/// A record every rule accepts: it names its task by id.
RecordDraft valid_draft() {
  RecordDraft d;
  d.call_id = std::string("call-1");
  d.task_id = std::int64_t{12};
  d.phone = std::string("+86 138-0013-8000");
  d.call_status = std::string("Succeeded");
  return d;
}

RecordInput accepted(const RecordDraft& draft) {
  auto result = validate(draft, "");
  if (const auto* error = std::get_if<FieldError>(&result)) {
    ADD_FAILURE() << "refused, naming " << error->field;
    return {};
  }
  return std::get<RecordInput>(result);
}

FieldError refused(const RecordDraft& draft, std::string_view prefix = "") {
  auto result = validate(draft, prefix);
  if (const auto* error = std::get_if<FieldError>(&result)) {
    return *error;
  }
  ADD_FAILURE() << "accepted";
  return {};
}

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

TEST(RecordDraft, AcceptsAValidRecordWithItsFieldsNormalised) {
  auto d = valid_draft();
  d.job_group_id = std::string("group-7");
  d.job_id = std::string("job-3");
  d.started_at = std::string("2026-11-28T13:20:11+08:00");
  d.ended_at = std::int64_t{1'700'000'060};  // Unix seconds
  d.duration = std::int64_t{60};
  d.event_time = 1'700'000'061'500.0;  // Unix milliseconds
  d.extra_json = R"({"agent":"A7"})";
  const auto r = accepted(d);
  EXPECT_EQ(r.call_id, "call-1");
  EXPECT_EQ(r.task_id, 12);
  EXPECT_EQ(r.phone, "+8613800138000");
  EXPECT_EQ(r.fields.call_status, "Succeeded");
  EXPECT_EQ(r.fields.job_group_id, "group-7");
  EXPECT_EQ(r.fields.job_id, "job-3");
  EXPECT_EQ(r.fields.started_at, parse_timestamp("2026-11-28T05:20:11Z"));
  EXPECT_EQ(r.fields.ended_at, timestamp_from_epoch_number(1'700'000'060));
  EXPECT_EQ(r.fields.duration, 60);
  EXPECT_EQ(r.fields.event_time, timestamp_from_epoch_number(1'700'000'061'500.0));
  EXPECT_EQ(r.fields.extra_json, R"({"agent":"A7"})");
}

TEST(RecordDraft, CallIdIsRequiredNonEmptyShortTextWithoutNul) {
  auto d = valid_draft();
  d.call_id.reset();
  EXPECT_EQ(refused(d), (FieldError{"call_id", Problem::kRequired}));
  d.call_id = std::int64_t{7};
  EXPECT_EQ(refused(d), (FieldError{"call_id", Problem::kWrongType, "string"}));
  d.call_id = std::string();
  EXPECT_EQ(refused(d), (FieldError{"call_id", Problem::kEmpty}));
  d.call_id = repeated("a", kMaxId + 1);
  EXPECT_EQ(refused(d), (FieldError{"call_id", Problem::kTooLong, "", 128}));
  d.call_id = std::string("a\0b", 3);
  EXPECT_EQ(refused(d), (FieldError{"call_id", Problem::kNulCharacter}));
  // Length counts code points, not bytes.
  d.call_id = repeated("话", kMaxId);
  EXPECT_EQ(accepted(d).call_id, repeated("话", kMaxId));
}

TEST(RecordDraft, TaskIdIsAPositiveWholeNumber) {
  auto d = valid_draft();
  d.task_id = std::string("12");
  EXPECT_EQ(refused(d), (FieldError{"task_id", Problem::kWrongType, "integer"}));
  d.task_id = OtherValue{};
  EXPECT_EQ(refused(d), (FieldError{"task_id", Problem::kWrongType, "integer"}));
  d.task_id = 1.5;
  EXPECT_EQ(refused(d), (FieldError{"task_id", Problem::kWrongType, "integer"}));
  d.task_id = 1e300;
  EXPECT_EQ(refused(d), (FieldError{"task_id", Problem::kWrongType, "integer"}));
  d.task_id = std::int64_t{0};
  EXPECT_EQ(refused(d), (FieldError{"task_id", Problem::kOutOfRange, "positive"}));
  d.task_id = 3.0;
  EXPECT_EQ(accepted(d).task_id, 3);
}

TEST(RecordDraft, PhoneIsRequiredAndMustNormalise) {
  auto d = valid_draft();
  d.phone.reset();
  EXPECT_EQ(refused(d), (FieldError{"phone", Problem::kRequired}));
  d.phone = std::int64_t{13800138000};
  EXPECT_EQ(refused(d), (FieldError{"phone", Problem::kWrongType, "string"}));
  d.phone = repeated("1", kMaxPhone + 1);
  EXPECT_EQ(refused(d), (FieldError{"phone", Problem::kTooLong, "", 64}));
  d.phone = std::string("138abc00000");
  EXPECT_EQ(refused(d), (FieldError{"phone", Problem::kInvalidPhone}));
  d.phone = std::string("(010) 1234-5678");
  EXPECT_EQ(accepted(d).phone, "01012345678");
}

TEST(RecordDraft, CallStatusIsRequiredAndAValidName) {
  auto d = valid_draft();
  d.call_status.reset();
  EXPECT_EQ(refused(d), (FieldError{"call_status", Problem::kRequired}));
  d.call_status = repeated("A", kMaxStatus + 1);
  EXPECT_EQ(refused(d), (FieldError{"call_status", Problem::kTooLong, "", 64}));
  d.call_status = std::string("Not connected");
  EXPECT_EQ(refused(d), (FieldError{"call_status", Problem::kInvalidStatus}));
  d.call_status = std::string("NoAnswer_2");
  EXPECT_EQ(accepted(d).fields.call_status, "NoAnswer_2");
}

TEST(RecordDraft, OptionalIdsAreShortNonEmptyText) {
  auto d = valid_draft();
  d.job_id = std::string();
  EXPECT_EQ(refused(d), (FieldError{"job_id", Problem::kEmpty}));
  d.job_id = repeated("j", kMaxId + 1);
  EXPECT_EQ(refused(d), (FieldError{"job_id", Problem::kTooLong, "", 128}));
  d.job_id.reset();
  d.job_group_id = OtherValue{};
  EXPECT_EQ(refused(d), (FieldError{"job_group_id", Problem::kWrongType, "string"}));
  d.job_group_id = repeated("g", kMaxId);
  EXPECT_EQ(accepted(d).fields.job_group_id, repeated("g", kMaxId));
}

TEST(RecordDraft, TimesAreRfc3339TextOrUnixNumbers) {
  auto d = valid_draft();
  d.started_at = std::string("yesterday");
  EXPECT_EQ(refused(d), (FieldError{"started_at", Problem::kInvalidTime}));
  d.started_at.reset();
  d.ended_at = OtherValue{};
  EXPECT_EQ(refused(d), (FieldError{"ended_at", Problem::kWrongType, "time"}));
  d.ended_at.reset();
  d.event_time = std::int64_t{-1};
  EXPECT_EQ(refused(d), (FieldError{"event_time", Problem::kInvalidTime}));
  d.event_time = std::int64_t{1'700'000'000'000};  // milliseconds
  EXPECT_EQ(accepted(d).fields.event_time, timestamp_from_epoch_number(1'700'000'000));
}

TEST(RecordDraft, DurationIsWholeSecondsInRange) {
  auto d = valid_draft();
  d.duration = std::int64_t{-1};
  EXPECT_EQ(refused(d), (FieldError{"duration", Problem::kOutOfRange, "non-negative"}));
  d.duration = std::int64_t{kMaxDuration + 1};
  EXPECT_EQ(refused(d), (FieldError{"duration", Problem::kOutOfRange, "non-negative"}));
  d.duration = std::string("60");
  EXPECT_EQ(refused(d), (FieldError{"duration", Problem::kWrongType, "integer"}));
  d.duration = std::int64_t{0};
  EXPECT_EQ(accepted(d).fields.duration, 0);
  d.duration = std::int64_t{kMaxDuration};
  EXPECT_EQ(accepted(d).fields.duration, kMaxDuration);
}

TEST(RecordDraft, TheTaskIsNamedByIdOrJobGroup) {
  auto d = valid_draft();
  d.task_id.reset();
  EXPECT_EQ(refused(d), (FieldError{"task_id", Problem::kRequired}));
  d.job_group_id = std::string("group-7");
  const auto r = accepted(d);
  EXPECT_EQ(r.task_id, std::nullopt);
  EXPECT_EQ(r.fields.job_group_id, "group-7");
}

TEST(RecordDraft, AnExtraFieldProblemComesAfterTheKnownFieldsAndBeforeTheTask) {
  auto d = valid_draft();
  d.extra_error = FieldError{"score", Problem::kOutOfRange, "number"};
  EXPECT_EQ(refused(d, "records[2]"),
            (FieldError{"records[2].score", Problem::kOutOfRange, "number"}));
  d.call_status = std::string("bad status");
  EXPECT_EQ(refused(d).field, "call_status");
  d.call_status = std::string("Succeeded");
  d.task_id.reset();
  EXPECT_EQ(refused(d).field, "score");
}

TEST(RecordDraft, TheFirstProblemInFieldOrderIsReportedUnderThePrefix) {
  auto d = valid_draft();
  d.call_id.reset();
  d.phone = std::string("not a phone");
  d.duration = std::int64_t{-5};
  EXPECT_EQ(refused(d, "records[4]"), (FieldError{"records[4].call_id", Problem::kRequired}));
  d.call_id = std::string("call-1");
  // duration comes before the phone's normalisation, which needs every field read first.
  EXPECT_EQ(refused(d, "records[4]").field, "records[4].duration");
  d.duration.reset();
  EXPECT_EQ(refused(d, "records[4]").field, "records[4].phone");
}

TEST(RecordDraft, FieldsByName) {
  RecordDraft d;
  for (const auto name : kRecordFields) {
    ASSERT_NE(d.field(name), nullptr) << name;
  }
  EXPECT_EQ(d.field("call_status"), &d.call_status);
  EXPECT_EQ(d.field("event_time"), &d.event_time);
  EXPECT_EQ(d.field("extra"), nullptr);
  EXPECT_EQ(d.field("Phone"), nullptr);
}

TEST(RecordDraft, ARejectedRecordIsReportedByItsCallIdCutToTheLongestValid) {
  RecordDraft d;
  EXPECT_EQ(reported_call_id(d), "");
  d.call_id = std::int64_t{5};
  EXPECT_EQ(reported_call_id(d), "");
  d.call_id = repeated("c", 300);
  EXPECT_EQ(reported_call_id(d), repeated("c", kMaxId));
  d.call_id = std::string("call-9");
  EXPECT_EQ(reported_call_id(d), "call-9");
}

// Time sanity (SPEC §6): no time before 2000, none further past the server's clock than
// allowed, and one reading only for every Unix time number. validate() reads the times,
// future_time_error() judges them against the clock, as ingestion does.

using std::chrono::milliseconds;

/// The server's clock in these tests.
const Timestamp kNow = *parse_timestamp("2026-12-01T00:00:00Z");

RecordDraft draft_with_event_time(InputValue event_time) {
  RecordDraft d;
  d.call_id = std::string("call-1");
  d.task_id = std::int64_t{12};
  d.phone = std::string("13800138000");
  d.call_status = std::string("NoAnswer");
  d.event_time = std::move(event_time);
  return d;
}

/// The record as validate() reads it (fields named under `records[3]`) and ingestion judges
/// it with kNow and the default skew: the record, or the problem named.
std::variant<RecordInput, FieldError> ingested(const RecordDraft& draft) {
  auto result = validate(draft, "records[3]");
  if (const auto* r = std::get_if<RecordInput>(&result)) {
    if (auto error = future_time_error(r->fields, kNow, kDefaultMaxFutureSkew, r->field_prefix)) {
      return *error;
    }
  }
  return result;
}

Timestamp event_time_of(InputValue value) {
  auto result = ingested(draft_with_event_time(std::move(value)));
  if (const auto* error = std::get_if<FieldError>(&result)) {
    ADD_FAILURE() << "refused: " << error->field << " " << error->expected;
    return {};
  }
  return *std::get<RecordInput>(result).fields.event_time;
}

FieldError problem_of(InputValue value) {
  auto result = ingested(draft_with_event_time(std::move(value)));
  if (const auto* error = std::get_if<FieldError>(&result)) {
    return *error;
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(RecordTimes, TimesBeforeTheYear2000AreRefusedNamingTheFieldAndTheTimeAsRead) {
  EXPECT_EQ(
      problem_of(std::string("1999-12-31T23:59:59.999Z")),
      (FieldError{"records[3].event_time", Problem::kTimeTooEarly, "1999-12-31T23:59:59.999Z"}));
  EXPECT_EQ(problem_of(std::string("0000-01-01T00:00:00Z")).problem, Problem::kTimeTooEarly);
  EXPECT_EQ(problem_of(std::int64_t{0}),
            (FieldError{"records[3].event_time", Problem::kTimeTooEarly, "1970-01-01T00:00:00Z"}));
  EXPECT_EQ(event_time_of(std::string("2000-01-01T00:00:00Z")), kEarliestCallTime);

  RecordDraft d = draft_with_event_time(std::string("2026-11-28T05:20:11Z"));
  d.started_at = std::string("1969-12-31T23:59:59Z");
  EXPECT_EQ(std::get<FieldError>(ingested(d)).field, "records[3].started_at");
  d.started_at.reset();
  d.ended_at = std::int64_t{86'400};  // a day after the epoch, in seconds
  EXPECT_EQ(std::get<FieldError>(ingested(d)).field, "records[3].ended_at");
}

TEST(RecordTimes, EveryAcceptedNumberHasOneReadingSecondsBelow1e11MillisecondsFromThere) {
  // The first second of the sane range, written in seconds ...
  EXPECT_EQ(event_time_of(std::int64_t{946'684'800}), kEarliestCallTime);
  EXPECT_EQ(problem_of(std::int64_t{946'684'799}).problem, Problem::kTimeTooEarly);
  // ... and in milliseconds.
  EXPECT_EQ(event_time_of(std::int64_t{946'684'800'000}), kEarliestCallTime);
  EXPECT_EQ(problem_of(std::int64_t{946'684'799'999}).problem, Problem::kTimeTooEarly);
  EXPECT_EQ(event_time_of(std::int64_t{1'764'336'011}),
            event_time_of(std::int64_t{1'764'336'011'000}));
  EXPECT_EQ(event_time_of(1'764'336'011.25), event_time_of(std::int64_t{1'764'336'011'250}));
  // 10^11 and up are milliseconds: 10^11 itself is 1973, refused rather than misread.
  EXPECT_EQ(problem_of(std::int64_t{100'000'000'000}),
            (FieldError{"records[3].event_time", Problem::kTimeTooEarly, "1973-03-03T09:46:40Z"}));
  // Just below, seconds: year 5138, a future time. No number between the two ranges is stored.
  EXPECT_EQ(
      problem_of(std::int64_t{99'999'999'999}),
      (FieldError{"records[3].event_time", Problem::kTimeInFuture, "5138-11-16T09:46:39Z", 300}));
  // validate() alone has no clock: the year 5138 is only refused by ingestion.
  const auto read = validate(draft_with_event_time(std::int64_t{99'999'999'999}), "");
  EXPECT_TRUE(std::holds_alternative<RecordInput>(read));
}

TEST(RecordTimes, ValidateKeepsThePrefixForTheRulesIngestionAppliesLater) {
  const auto r = std::get<RecordInput>(validate(valid_draft(), "records[3]"));
  EXPECT_EQ(r.field_prefix, "records[3]");
}

TEST(RecordTimes, FutureTimesAreRefusedBeyondTheSkew) {
  const milliseconds skew = kDefaultMaxFutureSkew;
  RecordFields f;
  f.call_status = "NoAnswer";
  f.event_time = kNow + skew;  // exactly the allowance: accepted
  EXPECT_EQ(future_time_error(f, kNow, skew, ""), std::nullopt);
  f.event_time = kNow + skew + milliseconds{1};
  EXPECT_EQ(future_time_error(f, kNow, skew, "records[0]"),
            (FieldError{"records[0].event_time", Problem::kTimeInFuture, "2026-12-01T00:05:00.001Z",
                        300}));
  // The first of the record's times in field order is named.
  f.ended_at = *parse_timestamp("2099-01-01T00:00:00Z");
  f.started_at = kNow;
  EXPECT_EQ(future_time_error(f, kNow, skew, "")->field, "ended_at");
  f.started_at = *parse_timestamp("9999-12-31T23:59:59Z");
  EXPECT_EQ(future_time_error(f, kNow, skew, ""),
            (FieldError{"started_at", Problem::kTimeInFuture, "9999-12-31T23:59:59Z", 300}));
  // No time at all, or times in the past since 2000: nothing to refuse.
  EXPECT_EQ(future_time_error(RecordFields{}, kNow, skew, ""), std::nullopt);
  f = {};
  f.event_time = kNow - std::chrono::hours{24 * 365};
  EXPECT_EQ(future_time_error(f, kNow, skew, ""), std::nullopt);
  // A skew of zero refuses the first millisecond after the clock.
  f.event_time = kNow + milliseconds{1};
  EXPECT_EQ(future_time_error(f, kNow, milliseconds{0}, "")->limit, 0);
}

}  // namespace
}  // namespace dialtrack::domain
