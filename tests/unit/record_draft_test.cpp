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

}  // namespace
}  // namespace dialtrack::domain
