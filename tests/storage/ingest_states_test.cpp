#include <gtest/gtest.h>

#include <algorithm>

#include "app/ingest_service.hpp"
#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

std::size_t rows_into(const std::vector<domain::Transition>& rows, TaskType to) {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const auto& row) { return row.to == to; }));
}

TEST_P(ServicesOnStore, FirstRecordStartsACreatedTask) {
  const auto created = create_task({"100", "200"});
  ASSERT_EQ(created.task_type, TaskType::kCreated);
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "NoAnswer")}).accepted, 1);
  ASSERT_EQ(ingest({record_input(0, "c-2", created.task_id, "200", "NoAnswer")}).accepted, 1);
  EXPECT_EQ(task(created.task_id).task_type, TaskType::kCalling);
  const auto rows = history(created.task_id);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].from, TaskType::kCreated);
  EXPECT_EQ(rows[1].to, TaskType::kCalling);
  EXPECT_EQ(rows[1].reason, "first_call_record");
}

TEST_P(ServicesOnStore, CompletesATaskExactlyOnceWhenItsLastLeadConnects) {
  const auto created = create_task({"100", "200"});
  const TaskId id = created.task_id;
  const auto first = ingest({record_input(0, "c-1", id, "100", "Connected")});
  EXPECT_TRUE(first.completed_tasks.empty());
  EXPECT_EQ(task(id).task_type, TaskType::kCalling);

  clock_.advance(1000);
  const auto last = ingest({record_input(0, "c-2", id, "200", "SucceededClientHangUp")});
  EXPECT_EQ(last.completed_tasks, std::vector<TaskId>{id});
  const auto done = task(id);
  EXPECT_EQ(done.task_type, TaskType::kCompleted);
  EXPECT_EQ(done.connected_calls, 2);
  EXPECT_EQ(done.completed_at, clock_.now());

  const auto retry = ingest({record_input(0, "c-3", id, "200", "Connected")});
  EXPECT_EQ(retry.accepted, 1);
  EXPECT_TRUE(retry.completed_tasks.empty());
  const auto rows = history(id);
  EXPECT_EQ(rows_into(rows, TaskType::kCompleted), 1U);
  EXPECT_EQ(rows.back().reason, "records_ingested");
}

TEST_P(ServicesOnStore, OneBatchCanStartAndCompleteATask) {
  const auto created = create_task({"100"});
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "SucceededFinish")});
  EXPECT_EQ(result.completed_tasks, std::vector<TaskId>{created.task_id});
  const auto rows = history(created.task_id);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1].reason, "first_call_record");
  EXPECT_EQ(rows[2].from, TaskType::kCalling);
  EXPECT_EQ(rows[2].to, TaskType::kCompleted);
}

TEST_P(ServicesOnStore, RetriesCountAPhoneOnce) {
  const auto created = create_task({"100", "200"});
  const TaskId id = created.task_id;
  const auto result = ingest({record_input(0, "c-1", id, "100", "NoAnswer"),
                              record_input(1, "c-2", id, "100", "Connected"),
                              record_input(2, "c-3", id, "100", "SucceededFinish")});
  EXPECT_EQ(result.accepted, 3);
  ASSERT_EQ(ingest({record_input(0, "c-4", id, "100", "Connected")}).accepted, 1);
  const auto stored = task(id);
  EXPECT_EQ(stored.connected_calls, 1);
  EXPECT_EQ(stored.task_type, TaskType::kCalling);
}

TEST_P(ServicesOnStore, RecordsOfADeletedTaskAreStoredButItNeverChanges) {
  const auto created = create_task({"100"});
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->remove(created.task_id)));
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "Connected")});
  EXPECT_EQ(result.accepted, 1);
  EXPECT_TRUE(result.completed_tasks.empty());
  EXPECT_EQ(task(created.task_id).task_type, TaskType::kDeleted);
  EXPECT_TRUE(stored_record("c-1").has_value());
}

}  // namespace
}  // namespace dialtrack::store_test
