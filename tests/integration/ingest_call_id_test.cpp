// The call_id is the idempotency key: a known call_id updates its record (status progression,
// corrections) instead of adding one; an exact repeat is unchanged.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestCallIdTest : public ServerTest {
 protected:
  boost::json::object only_record(std::int64_t task_id) {
    const auto response = followup(http(), task_id);
    if (response.status != 200) {
      throw std::runtime_error(response.describe());
    }
    const auto& records = response.data_object().at("records").as_array();
    if (records.size() != 1) {
      throw std::runtime_error("expected one record: " + response.describe());
    }
    return records[0].as_object();
  }
};

TEST_F(IngestCallIdTest, SameCallIdNoAnswerThenConnectedUpdatesTheRecord) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  auto counts = push(http(), {call_record_at("prog-1", task_id, phones[0], "NoAnswer", 0)});
  EXPECT_EQ(counts.accepted, 1);
  EXPECT_FALSE(bool_field(only_record(task_id), "connected"));

  counts = push(http(), {call_record_at("prog-1", task_id, phones[0], "Connected", 30)});
  EXPECT_EQ(counts.accepted, 0);
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{task_id});
  const auto record = only_record(task_id);
  EXPECT_EQ(string_field(record, "call_status"), "Connected");
  EXPECT_TRUE(bool_field(record, "connected"));
  EXPECT_EQ(int_field(followup(http(), task_id).data_object(), "total_records"), 1);
}

TEST_F(IngestCallIdTest, ExactRepeatIsUnchanged) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  auto record = call_record_at("rep-1", task_id, phones[0], "Connected", 0);
  record["duration"] = 35;
  record["hangup_cause"] = "client";
  push(http(), {record});
  const auto stored = only_record(task_id);

  const auto counts = push(http(), {record});
  EXPECT_EQ(counts.unchanged, 1);
  EXPECT_EQ(counts.accepted + counts.updated + counts.stale, 0);
  EXPECT_EQ(only_record(task_id), stored);
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 1);
}

TEST_F(IngestCallIdTest, FieldsAbsentFromAnUpdateKeepTheirValues) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  auto first = call_record_at("partial-1", task_id, phones[0], "Executing", 0);
  first["job_id"] = "job-7";
  first["started_at"] = event_time(0);
  push(http(), {first});

  // The dialer's final callback carries only the status, the end and the duration.
  auto second = call_record_at("partial-1", task_id, phones[0], "SucceededFinish", 40);
  second["ended_at"] = event_time(40);
  second["duration"] = 38;
  EXPECT_EQ(push(http(), {second}).updated, 1);

  const auto record = only_record(task_id);
  EXPECT_EQ(string_field(record, "call_status"), "SucceededFinish");
  EXPECT_EQ(string_field(record, "job_id"), "job-7");
  EXPECT_EQ(string_field(record, "started_at"), event_time(0));
  EXPECT_EQ(string_field(record, "ended_at"), event_time(40));
  EXPECT_EQ(int_field(record, "duration"), 38);
  EXPECT_EQ(string_field(record, "event_time"), event_time(40));
}

TEST_F(IngestCallIdTest, CorrectionOfANonStatusFieldIsAnUpdate) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  auto record = call_record_at("corr-1", task_id, phones[0], "NoAnswer", 0);
  record["duration"] = 0;
  push(http(), {record});
  record["duration"] = 3;
  const auto counts = push(http(), {record});
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(int_field(only_record(task_id), "duration"), 3);
}

TEST_F(IngestCallIdTest, CallIdStoredForAnotherPhoneIsRejected) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record("moved-1", task_id, phones[0], "NoAnswer")});
  const auto response =
      push_records(http(), {call_record("moved-1", task_id, phones[1], "Connected")});
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& rejected = response.data_object().at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(string_field(rejected[0].as_object(), "call_id"), "moved-1");
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 0);
}

TEST_F(IngestCallIdTest, CallIdStoredForAnotherTaskIsRejected) {
  const auto phones = make_phones(1);
  const auto first = create_task(http(), phones);
  const auto second = create_task(http(), phones);
  push(http(), {call_record("cross-1", first, phones[0], "NoAnswer")});
  const auto counts = push(http(), {call_record("cross-1", second, phones[0], "Connected")});
  EXPECT_EQ(counts.rejected, 1u);
  EXPECT_EQ(int_field(get_task(http(), second), "connected_calls"), 0);
  EXPECT_EQ(int_field(get_task(http(), first), "connected_calls"), 0);
}

}  // namespace
}  // namespace dialtrack::test
