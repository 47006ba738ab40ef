// Late and out-of-order callbacks: an update older than the stored event_time is stale, and a
// connected record stays connected.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestStaleTest : public ServerTest {
 protected:
  std::string status_of(std::int64_t task_id, std::string_view call_id) {
    const auto response = followup(http(), task_id, 1, 1000);
    for (const auto& item : response.data_object().at("records").as_array()) {
      if (item.as_object().at("call_id").as_string() == call_id) {
        return string_field(item.as_object(), "call_status");
      }
    }
    throw std::runtime_error("no record " + std::string(call_id) + ": " + response.describe());
  }
};

TEST_F(IngestStaleTest, OlderEventTimeIsIgnored) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record_at("late-1", task_id, phones[0], "Busy", 100)});
  const auto counts = push(http(), {call_record_at("late-1", task_id, phones[0], "Executing", 50)});
  EXPECT_EQ(counts.stale, 1);
  EXPECT_EQ(counts.updated + counts.accepted + counts.unchanged, 0);
  EXPECT_EQ(status_of(task_id, "late-1"), "Busy");
}

TEST_F(IngestStaleTest, OlderConnectedUpdateDoesNotConnect) {
  // Stale means ignored, whatever the status says.
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record_at("late-2", task_id, phones[0], "NoAnswer", 100)});
  const auto counts = push(http(), {call_record_at("late-2", task_id, phones[0], "Connected", 99)});
  EXPECT_EQ(counts.stale, 1);
  EXPECT_TRUE(counts.completed_tasks.empty());
  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "connected_calls"), 0);
  EXPECT_EQ(int_field(task, "task_type"), 2);
}

TEST_F(IngestStaleTest, ConnectedStaysConnectedOnALaterNoAnswer) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record_at("sticky-1", task_id, phones[0], "Connected", 0)});
  ASSERT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 1);

  // Newer event_time, same call_id, not connected: stale all the same.
  const auto counts =
      push(http(), {call_record_at("sticky-1", task_id, phones[0], "NoAnswer", 60)});
  EXPECT_EQ(counts.stale, 1);
  EXPECT_EQ(counts.updated, 0);
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 1);
  EXPECT_EQ(status_of(task_id, "sticky-1"), "Connected");
}

TEST_F(IngestStaleTest, ConnectedToAnotherConnectedStatusIsAnUpdate) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record_at("cc-1", task_id, phones[0], "Connected", 0)});
  const auto counts =
      push(http(), {call_record_at("cc-1", task_id, phones[0], "SucceededFinish", 60)});
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(status_of(task_id, "cc-1"), "SucceededFinish");
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 1);
  EXPECT_EQ(count_transitions(history(http(), task_id), 2, 3), 1u);
}

TEST_F(IngestStaleTest, CompletedTaskIsNotReopenedByAStaleCallback) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  push(http(), {call_record_at("done-1", task_id, phones[0], "Connected", 10)});
  push(http(), {call_record_at("done-1", task_id, phones[0], "NoAnswer", 5)});
  push(http(), {call_record_at("done-1", task_id, phones[0], "Failed", 20)});
  const auto task = get_task(http(), task_id);
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(int_field(task, "connected_calls"), 1);
}

TEST_F(IngestStaleTest, EpochSecondsAndMillisecondsCompareAsTimes) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  auto record = call_record("epoch-1", task_id, phones[0], "Busy");
  record["event_time"] = 1772352000;  // seconds
  push(http(), {record});

  // One millisecond earlier, given in milliseconds: older, so stale.
  auto earlier = call_record("epoch-1", task_id, phones[0], "NoAnswer");
  earlier["event_time"] = 1772351999999LL;
  EXPECT_EQ(push(http(), {earlier}).stale, 1);

  // One millisecond later: a real update.
  auto later = call_record("epoch-1", task_id, phones[0], "NoAnswer");
  later["event_time"] = 1772352000001LL;
  EXPECT_EQ(push(http(), {later}).updated, 1);
  EXPECT_EQ(status_of(task_id, "epoch-1"), "NoAnswer");
}

TEST_F(IngestStaleTest, OffsetTimesCompareInUtc) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  auto record = call_record("tz-1", task_id, phones[0], "Busy");
  record["event_time"] = "2026-03-01T16:00:00+08:00";  // 08:00Z
  push(http(), {record});
  // 08:30Z written as UTC is newer than 16:00+08:00 even though 08:30 < 16:00 as text.
  auto newer = call_record("tz-1", task_id, phones[0], "NoAnswer");
  newer["event_time"] = "2026-03-01T08:30:00Z";
  EXPECT_EQ(push(http(), {newer}).updated, 1);
  EXPECT_EQ(status_of(task_id, "tz-1"), "NoAnswer");
}

}  // namespace
}  // namespace dialtrack::test
