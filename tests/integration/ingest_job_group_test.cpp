// A record without task_id finds its task through a job group (its own, or else the body's)
// together with its phone.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestJobGroupTest : public ServerTest {
 protected:
  static boost::json::object by_group(std::string_view call_id, std::string_view phone,
                                      std::string_view status,
                                      std::optional<std::string_view> job_group = std::nullopt) {
    boost::json::object record{{"call_id", call_id}, {"phone", phone}, {"call_status", status}};
    if (job_group) {
      record["job_group_id"] = *job_group;
    }
    return record;
  }
};

TEST_F(IngestJobGroupTest, RecordLevelJobGroupAndPhoneFindTheTask) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones, "jg task", "jg-rec");
  const auto counts = push(http(), {by_group("jg-r1", phones[0], "Connected", "jg-rec"),
                                    by_group("jg-r2", phones[1], "SucceededFinish", "jg-rec")});
  EXPECT_EQ(counts.accepted, 2);
  EXPECT_EQ(counts.rejected, 0u);
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{task_id});
  EXPECT_EQ(int_field(get_task(http(), task_id), "task_type"), 3);
}

TEST_F(IngestJobGroupTest, BodyLevelJobGroupAppliesToRecordsWithoutOne) {
  const auto phones = make_phones(2);
  const auto task_id = create_task(http(), phones, "jg task", "jg-body");
  const auto counts = push(
      http(), {by_group("jg-b1", phones[0], "Connected"), by_group("jg-b2", phones[1], "NoAnswer")},
      "jg-body");
  EXPECT_EQ(counts.accepted, 2);
  EXPECT_EQ(counts.rejected, 0u);
  EXPECT_EQ(int_field(get_task(http(), task_id), "connected_calls"), 1);
}

TEST_F(IngestJobGroupTest, RecordJobGroupWinsOverTheBodys) {
  const auto phones = make_phones(1);
  const auto body_task = create_task(http(), phones, "body", "jg-b");
  const auto record_task = create_task(http(), phones, "record", "jg-r");
  push(http(), {by_group("jg-w1", phones[0], "Connected", "jg-r")}, "jg-b");
  EXPECT_EQ(int_field(get_task(http(), record_task), "connected_calls"), 1);
  EXPECT_EQ(int_field(get_task(http(), body_task), "connected_calls"), 0);
}

TEST_F(IngestJobGroupTest, TaskIdWinsOverTheJobGroup) {
  const auto phones = make_phones(1);
  const auto named = create_task(http(), phones, "named", "jg-x");
  const auto grouped = create_task(http(), phones, "grouped", "jg-y");
  auto record = call_record("jg-t1", named, phones[0], "Connected");
  record["job_group_id"] = "jg-y";
  push(http(), {record});
  EXPECT_EQ(int_field(get_task(http(), named), "connected_calls"), 1);
  EXPECT_EQ(int_field(get_task(http(), grouped), "connected_calls"), 0);
}

TEST_F(IngestJobGroupTest, JobGroupSetOnStartIsUsed) {
  const auto phones = make_phones(1);
  const auto task_id = create_task(http(), phones);
  ASSERT_EQ(http()
                .post("/tasks/" + std::to_string(task_id) + "/start",
                      boost::json::object{{"job_group_id", "jg-started"}})
                .status,
            200u);
  const auto counts = push(http(), {by_group("jg-s1", phones[0], "Connected", "jg-started")});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{task_id});
}

TEST_F(IngestJobGroupTest, NewestNonDeletedTaskWithThePhoneWins) {
  const auto phones = make_phones(2);
  const auto oldest = create_task(http(), {phones[0], phones[1]}, "oldest", "jg-shared");
  const auto middle = create_task(http(), {phones[0]}, "middle", "jg-shared");
  const auto newest = create_task(http(), {phones[0]}, "newest", "jg-shared");
  ASSERT_EQ(delete_task(http(), newest).status, 200u);

  // phones[0] is in all three: the newest is deleted, so the middle one gets it.
  // phones[1] is only in the oldest.
  push(http(), {by_group("jg-n1", phones[0], "Connected", "jg-shared"),
                by_group("jg-n2", phones[1], "Connected", "jg-shared")});
  EXPECT_EQ(int_field(get_task(http(), middle), "connected_calls"), 1);
  EXPECT_EQ(int_field(get_task(http(), newest), "connected_calls"), 0);
  EXPECT_EQ(int_field(get_task(http(), oldest), "connected_calls"), 1);
  EXPECT_EQ(int_field(get_task(http(), oldest), "total_calls"), 2);
}

TEST_F(IngestJobGroupTest, UnknownGroupOrPhoneOrNoWayToFindTheTaskIsRejected) {
  const auto phones = make_phones(1);
  create_task(http(), phones, "t", "jg-known");
  const auto response =
      push_records(http(), {by_group("jg-u1", phones[0], "Connected", "jg-nope"),
                            by_group("jg-u2", "13111111111", "Connected", "jg-known"),
                            by_group("jg-u3", phones[0], "Connected")});
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& data = response.data_object();
  EXPECT_EQ(int_field(data, "accepted"), 0);
  EXPECT_EQ(data.at("rejected").as_array().size(), 3u);
}

}  // namespace
}  // namespace dialtrack::test
