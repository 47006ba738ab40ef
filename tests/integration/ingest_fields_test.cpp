// How a pushed record is stored and shown: normalised phone, times in RFC 3339 UTC from any
// accepted input form, unknown fields kept in `extra`, the `connected` flag.
#include <gtest/gtest.h>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

class IngestFieldsTest : public ServerTest {
 protected:
  boost::json::object stored(std::int64_t task_id, boost::json::object record) {
    const auto counts = push(http(), {std::move(record)});
    if (counts.accepted != 1) {
      throw std::runtime_error("record not accepted");
    }
    const auto response = followup(http(), task_id);
    return response.data_object().at("records").as_array().at(0).as_object();
  }
};

TEST_F(IngestFieldsTest, RecordIsShownAsPushedAndNormalised) {
  const auto task_id = create_task(http(), {"13800138000"}, "fields", "jg-f");
  boost::json::object record{{"call_id", "f-1"},
                             {"task_id", task_id},
                             {"phone", "138-0013-8000"},
                             {"call_status", "SucceededFinish"},
                             {"job_id", "j-1"},
                             {"started_at", "2026-03-01T08:00:00Z"},
                             {"ended_at", "2026-03-01T08:00:35.250Z"},
                             {"duration", 35},
                             {"event_time", "2026-03-01T08:00:36Z"},
                             {"hangup_cause", "client"},
                             {"tags", boost::json::array{"vip", 3}}};
  const auto shown = stored(task_id, record);
  EXPECT_EQ(string_field(shown, "call_id"), "f-1");
  EXPECT_EQ(int_field(shown, "task_id"), task_id);
  EXPECT_EQ(string_field(shown, "phone"), "13800138000");
  EXPECT_EQ(string_field(shown, "call_status"), "SucceededFinish");
  EXPECT_TRUE(bool_field(shown, "connected"));
  EXPECT_EQ(string_field(shown, "job_id"), "j-1");
  EXPECT_EQ(string_field(shown, "started_at"), "2026-03-01T08:00:00Z");
  EXPECT_EQ(string_field(shown, "ended_at"), "2026-03-01T08:00:35.250Z");
  EXPECT_EQ(int_field(shown, "duration"), 35);
  EXPECT_EQ(string_field(shown, "event_time"), "2026-03-01T08:00:36Z");
  ASSERT_TRUE(shown.contains("extra") && shown.at("extra").is_object()) << shown;
  const auto& extra = shown.at("extra").as_object();
  EXPECT_EQ(string_field(extra, "hangup_cause"), "client");
  EXPECT_EQ(extra.at("tags"), (boost::json::array{"vip", 3}));
  EXPECT_TRUE(is_rfc3339_utc(string_field(shown, "created_at")));
  EXPECT_TRUE(is_rfc3339_utc(string_field(shown, "updated_at")));
}

TEST_F(IngestFieldsTest, EpochNumbersAndOffsetsBecomeUtc) {
  const auto task_id = create_task(http(), {"13800138000"});
  auto record = call_record("t-1", task_id, "13800138000", "NoAnswer");
  record["started_at"] = 1772352000;     // seconds
  record["ended_at"] = 1772352005123LL;  // milliseconds (>= 10^11)
  record["event_time"] = "2026-03-01T16:00:06+08:00";
  const auto shown = stored(task_id, record);
  EXPECT_EQ(string_field(shown, "started_at"), "2026-03-01T08:00:00Z");
  EXPECT_EQ(string_field(shown, "ended_at"), "2026-03-01T08:00:05.123Z");
  EXPECT_EQ(string_field(shown, "event_time"), "2026-03-01T08:00:06Z");
  EXPECT_FALSE(bool_field(shown, "connected"));
}

TEST_F(IngestFieldsTest, TimeWithoutOffsetIsUtc) {
  const auto task_id = create_task(http(), {"13800138000"});
  auto record = call_record("t-2", task_id, "13800138000", "NoAnswer");
  record["event_time"] = "2026-03-01T08:00:00";
  EXPECT_EQ(string_field(stored(task_id, record), "event_time"), "2026-03-01T08:00:00Z");
}

TEST_F(IngestFieldsTest, JobGroupOfTheRecordIsKept) {
  const auto task_id = create_task(http(), {"13800138000"}, "jg", "jg-keep");
  boost::json::object record{{"call_id", "jg-1"},
                             {"job_group_id", "jg-keep"},
                             {"phone", "13800138000"},
                             {"call_status", "NoAnswer"}};
  EXPECT_EQ(string_field(stored(task_id, record), "job_group_id"), "jg-keep");
}

}  // namespace
}  // namespace dialtrack::test
