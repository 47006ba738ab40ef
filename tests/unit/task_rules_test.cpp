#include "domain/task_rules.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace dialtrack::domain {
namespace {

constexpr TaskType kAllStates[] = {TaskType::kCreated, TaskType::kCalling, TaskType::kCompleted,
                                   TaskType::kDeleted};

Timestamp at(std::int64_t millis) {
  return Timestamp{std::chrono::milliseconds{millis}};
}

RecordFields fields(std::string status, std::optional<Timestamp> event_time) {
  RecordFields f;
  f.call_status = std::move(status);
  f.event_time = event_time;
  return f;
}

RecordFields full_fields(std::string status, Timestamp event_time) {
  RecordFields f = fields(std::move(status), event_time);
  f.job_group_id = "jg-1";
  f.job_id = "job-7";
  f.started_at = at(1000);
  f.ended_at = at(31000);
  f.duration = 30;
  f.extra_json = R"({"hangup_cause":"client"})";
  return f;
}

TEST(CountersSayComplete, NeedsAtLeastOneLeadAndAllConnected) {
  static_assert(counters_say_complete(3, 3));
  EXPECT_TRUE(counters_say_complete(1, 1));
  EXPECT_TRUE(counters_say_complete(1000000, 1000000));
  EXPECT_FALSE(counters_say_complete(3, 2));
  EXPECT_FALSE(counters_say_complete(3, 0));
}

TEST(CountersSayComplete, TaskWithoutLeadsIsNeverComplete) {
  EXPECT_FALSE(counters_say_complete(0, 0));
}

TEST(OnStart, MovesOnlyCreatedToCalling) {
  EXPECT_EQ(transitions::on_start(TaskType::kCreated), TaskType::kCalling);
  EXPECT_EQ(transitions::on_start(TaskType::kCalling), std::nullopt);
  EXPECT_EQ(transitions::on_start(TaskType::kCompleted), std::nullopt);
  EXPECT_EQ(transitions::on_start(TaskType::kDeleted), std::nullopt);
}

TEST(OnCheck, CompletesACallingTaskWhoseLeadsAreAllConnected) {
  EXPECT_EQ(transitions::on_check(TaskType::kCalling, 3, 3), TaskType::kCompleted);
  EXPECT_EQ(transitions::on_check(TaskType::kCalling, 3, 2), std::nullopt);
  EXPECT_EQ(transitions::on_check(TaskType::kCalling, 0, 0), std::nullopt);
}

TEST(OnCheck, LeavesEveryOtherStateAlone) {
  for (const TaskType state : {TaskType::kCreated, TaskType::kCompleted, TaskType::kDeleted}) {
    EXPECT_EQ(transitions::on_check(state, 3, 3), std::nullopt) << static_cast<int>(state);
    EXPECT_EQ(transitions::on_check(state, 3, 1), std::nullopt) << static_cast<int>(state);
  }
}

TEST(OnLeadsAdded, ReopensACompletedTaskWhenLeadsWereAdded) {
  EXPECT_EQ(transitions::on_leads_added(TaskType::kCompleted, 1), TaskType::kCalling);
  EXPECT_EQ(transitions::on_leads_added(TaskType::kCompleted, 0), std::nullopt);
}

TEST(OnLeadsAdded, LeavesEveryOtherStateAlone) {
  for (const TaskType state : {TaskType::kCreated, TaskType::kCalling, TaskType::kDeleted}) {
    EXPECT_EQ(transitions::on_leads_added(state, 5), std::nullopt) << static_cast<int>(state);
  }
}

TEST(OnDelete, DeletesFromEveryStateOnce) {
  for (const TaskType state : kAllStates) {
    const auto to = transitions::on_delete(state);
    if (state == TaskType::kDeleted) {
      EXPECT_EQ(to, std::nullopt);
    } else {
      EXPECT_EQ(to, TaskType::kDeleted) << static_cast<int>(state);
    }
  }
}

TEST(DecideRecordUpdate, OlderEventTimeIsStale) {
  RecordFields merged;
  EXPECT_EQ(
      decide_record_update(fields("NoAnswer", at(10)), false, fields("Busy", at(5)), false, merged),
      RecordDecision::kStale);
}

TEST(DecideRecordUpdate, OlderEventTimeIsStaleEvenWhenItWouldConnect) {
  RecordFields merged;
  EXPECT_EQ(decide_record_update(fields("NoAnswer", at(10)), false, fields("Connected", at(5)),
                                 true, merged),
            RecordDecision::kStale);
}

TEST(DecideRecordUpdate, ConnectedRecordStaysConnected) {
  RecordFields merged;
  EXPECT_EQ(decide_record_update(fields("Connected", at(10)), true, fields("Failed", at(20)), false,
                                 merged),
            RecordDecision::kStale);
  EXPECT_EQ(decide_record_update(fields("Connected", at(10)), true, fields("Failed", std::nullopt),
                                 false, merged),
            RecordDecision::kStale);
}

TEST(DecideRecordUpdate, ConnectedRecordMayMoveToAnotherConnectedStatus) {
  RecordFields merged;
  EXPECT_EQ(decide_record_update(fields("Connected", at(10)), true,
                                 fields("SucceededFinish", at(20)), true, merged),
            RecordDecision::kUpdated);
  EXPECT_EQ(merged.call_status, "SucceededFinish");
  EXPECT_EQ(merged.event_time, at(20));
}

TEST(DecideRecordUpdate, ExactRepeatIsUnchanged) {
  const RecordFields stored = full_fields("NoAnswer", at(10));
  RecordFields merged;
  EXPECT_EQ(decide_record_update(stored, false, stored, false, merged), RecordDecision::kUnchanged);
  EXPECT_EQ(merged, stored);
}

TEST(DecideRecordUpdate, ExactRepeatOfAConnectedRecordIsUnchanged) {
  const RecordFields stored = full_fields("Connected", at(10));
  RecordFields merged;
  EXPECT_EQ(decide_record_update(stored, true, stored, true, merged), RecordDecision::kUnchanged);
}

TEST(DecideRecordUpdate, RepeatWithoutTheOptionalFieldsIsUnchanged) {
  const RecordFields stored = full_fields("NoAnswer", at(10));
  RecordFields merged;
  EXPECT_EQ(decide_record_update(stored, false, fields("NoAnswer", std::nullopt), false, merged),
            RecordDecision::kUnchanged);
  EXPECT_EQ(merged, stored);
}

TEST(DecideRecordUpdate, ChangedStatusIsUpdated) {
  RecordFields merged;
  EXPECT_EQ(decide_record_update(fields("NoAnswer", at(10)), false, fields("Connected", at(20)),
                                 true, merged),
            RecordDecision::kUpdated);
  EXPECT_EQ(merged.call_status, "Connected");
  EXPECT_EQ(merged.event_time, at(20));
}

TEST(DecideRecordUpdate, ChangedFieldWithSameStatusIsUpdated) {
  const RecordFields stored = full_fields("NoAnswer", at(10));
  RecordFields incoming = fields("NoAnswer", at(10));
  incoming.duration = 45;
  RecordFields merged;
  EXPECT_EQ(decide_record_update(stored, false, incoming, false, merged), RecordDecision::kUpdated);
  EXPECT_EQ(merged.duration, 45);
}

TEST(DecideRecordUpdate, AbsentOptionalFieldsKeepTheStoredValues) {
  const RecordFields stored = full_fields("Executing", at(10));
  RecordFields merged;
  ASSERT_EQ(
      decide_record_update(stored, false, fields("SucceededFinish", std::nullopt), true, merged),
      RecordDecision::kUpdated);
  RecordFields expected = stored;
  expected.call_status = "SucceededFinish";
  EXPECT_EQ(merged, expected);
}

TEST(DecideRecordUpdate, PresentOptionalFieldsReplaceTheStoredValues) {
  const RecordFields stored = full_fields("Executing", at(10));
  RecordFields incoming = fields("Connected", at(20));
  incoming.job_id = "job-8";
  incoming.ended_at = at(50000);
  incoming.extra_json = R"({"hangup_cause":"agent"})";
  RecordFields merged;
  ASSERT_EQ(decide_record_update(stored, false, incoming, true, merged), RecordDecision::kUpdated);
  EXPECT_EQ(merged.job_id, "job-8");
  EXPECT_EQ(merged.ended_at, at(50000));
  EXPECT_EQ(merged.extra_json, R"({"hangup_cause":"agent"})");
  EXPECT_EQ(merged.job_group_id, stored.job_group_id);
  EXPECT_EQ(merged.started_at, stored.started_at);
  EXPECT_EQ(merged.duration, stored.duration);
}

TEST(DecideRecordUpdate, EqualEventTimeWithAChangeIsUpdated) {
  RecordFields merged;
  EXPECT_EQ(decide_record_update(fields("Executing", at(10)), false, fields("NoAnswer", at(10)),
                                 false, merged),
            RecordDecision::kUpdated);
  EXPECT_EQ(merged.call_status, "NoAnswer");
}

TEST(DecideRecordUpdate, MissingStoredEventTimeIsNotStale) {
  RecordFields merged;
  EXPECT_EQ(decide_record_update(fields("Executing", std::nullopt), false,
                                 fields("NoAnswer", at(5)), false, merged),
            RecordDecision::kUpdated);
  EXPECT_EQ(merged.event_time, at(5));
}

TEST(DecideRecordUpdate, MissingIncomingEventTimeIsNotStaleAndKeepsTheStoredOne) {
  RecordFields merged;
  EXPECT_EQ(decide_record_update(fields("Executing", at(10)), false,
                                 fields("NoAnswer", std::nullopt), false, merged),
            RecordDecision::kUpdated);
  EXPECT_EQ(merged.call_status, "NoAnswer");
  EXPECT_EQ(merged.event_time, at(10));
}

}  // namespace
}  // namespace dialtrack::domain
