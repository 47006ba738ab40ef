#include "app/ingest_service.hpp"

#include <gtest/gtest.h>

#include <map>

#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

TEST_P(ServicesOnStore, NewRecordsAreAccepted) {
  const auto created = create_task({"100", "200"});
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "NoAnswer"),
                              record_input(1, "c-2", created.task_id, "200", "Busy")});
  EXPECT_EQ(result.accepted, 2);
  EXPECT_EQ(result.updated, 0);
  EXPECT_EQ(result.unchanged, 0);
  EXPECT_EQ(result.stale, 0);
  EXPECT_TRUE(result.rejected.empty());
  EXPECT_TRUE(result.completed_tasks.empty());
  EXPECT_EQ(begin_read()->records().task_records(created.task_id, 1, 20).total, 2);
  EXPECT_EQ(task(created.task_id).connected_calls, 0);
}

TEST_P(ServicesOnStore, ExactRepeatIsUnchanged) {
  const auto created = create_task({"100", "200"});
  const auto record = record_input(0, "c-1", created.task_id, "100", "NoAnswer", 10);
  ASSERT_EQ(ingest({record}).accepted, 1);
  const auto again = ingest({record});
  EXPECT_EQ(again.accepted, 0);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(begin_read()->records().task_records(created.task_id, 1, 20).total, 1);
}

TEST_P(ServicesOnStore, ChangedStatusIsUpdatedAndConnectsTheLead) {
  const auto created = create_task({"100", "200"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "Executing", 10)}).accepted, 1);
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "Connected", 20)});
  EXPECT_EQ(result.updated, 1);
  EXPECT_EQ(result.accepted, 0);
  const auto stored = stored_record("c-1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->fields.call_status, "Connected");
  EXPECT_TRUE(stored->connected);
  EXPECT_EQ(task(created.task_id).connected_calls, 1);
}

TEST_P(ServicesOnStore, OlderEventTimeIsStale) {
  const auto created = create_task({"100", "200"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "NoAnswer", 20)}).accepted, 1);
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "Executing", 10)});
  EXPECT_EQ(result.stale, 1);
  EXPECT_EQ(result.updated, 0);
  EXPECT_EQ(stored_record("c-1")->fields.call_status, "NoAnswer");
}

TEST_P(ServicesOnStore, ConnectedRecordStaysConnected) {
  const auto created = create_task({"100", "200"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "Connected", 10)}).accepted, 1);
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "Failed", 30)});
  EXPECT_EQ(result.stale, 1);
  const auto stored = stored_record("c-1");
  EXPECT_EQ(stored->fields.call_status, "Connected");
  EXPECT_TRUE(stored->connected);
  EXPECT_EQ(task(created.task_id).connected_calls, 1);
}

TEST_P(ServicesOnStore, OneBatchCountsEachRecordInExactlyOneBucket) {
  const auto created = create_task({"100", "200", "300"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "NoAnswer", 10),
                    record_input(1, "c-2", created.task_id, "200", "Connected", 10)})
                .accepted,
            2);
  const auto result = ingest({record_input(0, "c-3", created.task_id, "300", "Busy", 10),
                              record_input(1, "c-1", created.task_id, "100", "Busy", 20),
                              record_input(2, "c-2", created.task_id, "200", "Connected", 10),
                              record_input(3, "c-2", created.task_id, "200", "NoAnswer", 40)});
  EXPECT_EQ(result.accepted, 1);
  EXPECT_EQ(result.updated, 1);
  EXPECT_EQ(result.unchanged, 1);
  EXPECT_EQ(result.stale, 1);
}

TEST_P(ServicesOnStore, CallIdRepeatedInOneBatchActsLikeSeparatePushes) {
  const auto created = create_task({"100", "200"});
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "NoAnswer", 10),
                              record_input(1, "c-1", created.task_id, "100", "Connected", 20)});
  EXPECT_EQ(result.accepted, 1);
  EXPECT_EQ(result.updated, 1);
  EXPECT_EQ(stored_record("c-1")->fields.call_status, "Connected");
  EXPECT_EQ(task(created.task_id).connected_calls, 1);
}

TEST_P(ServicesOnStore, RecordsOfOneBatchAreStoredInTheOrderTheyWerePushed) {
  const auto created = create_task({"100"});
  std::vector<app::RecordInput> batch;
  batch.reserve(6);
  for (std::size_t i = 0; i < 6; ++i) {
    batch.push_back(record_input(i, "c-" + std::to_string(i), created.task_id, "100", "NoAnswer"));
  }
  ASSERT_EQ(ingest(batch).accepted, 6);
  // The follow-up list is newest first: the last record pushed comes first.
  const auto page = begin_read()->records().task_records(created.task_id, 1, 20);
  ASSERT_EQ(page.items.size(), 6U);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(page.items[i].call_id, "c-" + std::to_string(5 - i)) << i;
  }
}

TEST_P(ServicesOnStore, AbsentFieldsOfAnUpdateKeepTheStoredValues) {
  const auto created = create_task({"100"});
  auto first = record_input(0, "c-1", created.task_id, "100", "Executing", 10);
  first.fields.job_id = "job-1";
  first.fields.started_at = at(5);
  first.fields.extra_json = R"({"line":3})";
  ASSERT_EQ(ingest({first}).accepted, 1);
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "NoAnswer")}).updated, 1);
  const auto stored = stored_record("c-1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->fields.call_status, "NoAnswer");
  EXPECT_EQ(stored->fields.job_id, "job-1");
  EXPECT_EQ(stored->fields.started_at, at(5));
  EXPECT_EQ(stored->fields.event_time, at(10));
  EXPECT_EQ(stored->fields.extra_json, R"({"line":3})");
}

TEST_P(ServicesOnStore, ReportFollowsTheUpdatesPushedForACall) {
  // Through the use case: a callback, its update, a stale one, and a repeat inside one batch.
  const auto created = create_task({"100", "200"});
  const TaskId id = created.task_id;
  ASSERT_EQ(ingest({record_input(0, "c-1", id, "100", "NoAnswer", 1000)}).accepted, 1);
  ASSERT_EQ(ingest({record_input(0, "c-1", id, "100", "SucceededFinish", 2000)}).updated, 1);
  ASSERT_EQ(ingest({record_input(0, "c-1", id, "100", "NoAnswer", 3000)}).stale, 1);
  const auto batch = ingest({record_input(0, "c-2", id, "200", "NoAnswer", 1000),
                             record_input(1, "c-2", id, "200", "Busy", 1500)});
  ASSERT_EQ(batch.accepted, 1);
  ASSERT_EQ(batch.updated, 1);

  const auto rows = begin_read()->reports().task_report(id);
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_status;  // calls, connected
  for (const auto& s : rows.by_status) {
    by_status[s.call_status] = {s.calls, s.connected_calls};
  }
  EXPECT_EQ(by_status, (std::map<std::string, std::pair<std::int64_t, std::int64_t>>{
                           {"Busy", {1, 0}}, {"SucceededFinish", {1, 1}}}));
  std::map<std::string, std::int64_t> latest;  // status -> phones, one attempt each
  for (const auto& l : rows.by_latest) {
    EXPECT_EQ(l.attempts, 1);
    latest[l.call_status] += l.phones;
  }
  EXPECT_EQ(latest, (std::map<std::string, std::int64_t>{{"Busy", 1}, {"SucceededFinish", 1}}));
  ASSERT_EQ(rows.by_hour.size(), 1U);
  EXPECT_EQ(rows.by_hour[0].calls, 2);
  EXPECT_EQ(rows.by_hour[0].connected_calls, 1);
}

TEST_P(ServicesOnStore, IngestionRejectsTimesPastTheSkewAndStoresTheRestOfTheBatch) {
  const auto task = create_task({"100", "200"});
  auto future = record_input(0, "c-future", task.task_id, "100", "NoAnswer");
  future.fields.event_time = clock_.now() + std::chrono::minutes{5} + std::chrono::milliseconds{1};
  future.field_prefix = "records[0]";
  auto fine = record_input(1, "c-fine", task.task_id, "200", "Connected");
  fine.fields.event_time = clock_.now() + std::chrono::minutes{5};
  const auto result = ingest({future, fine});
  EXPECT_EQ(result.accepted, 1);
  ASSERT_EQ(result.rejected.size(), 1u);
  EXPECT_EQ(result.rejected[0].index, 0u);
  EXPECT_EQ(result.rejected[0].call_id, "c-future");
  EXPECT_EQ(result.rejected[0].field->field, "records[0].event_time");
  EXPECT_EQ(result.rejected[0].field->problem, domain::Problem::kTimeInFuture);
  EXPECT_FALSE(stored_record("c-future"));

  // The true update of the same call is new, not stale, and connects the lead.
  auto truth = record_input(0, "c-future", task.task_id, "100", "SucceededFinish");
  truth.fields.event_time = clock_.now();
  const auto second = ingest({truth});
  EXPECT_EQ(second.accepted, 1);
  EXPECT_EQ(second.completed_tasks, (std::vector<TaskId>{task.task_id}));
}

}  // namespace
}  // namespace dialtrack::store_test
