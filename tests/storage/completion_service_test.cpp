#include "app/completion_service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

TEST_P(ServicesOnStore, CheckOfAnUnknownTaskIsEmpty) {
  EXPECT_EQ(completion_->check(4242, domain::reason::kManualCheck), std::nullopt);
  EXPECT_EQ(completion_->followup(4242, 1, 20), std::nullopt);
}

TEST_P(ServicesOnStore, CheckReportsAnIncompleteTaskAsStored) {
  const auto created = create_task({"100", "200"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "Connected")}).accepted, 1);
  const auto checked = completion_->check(created.task_id, domain::reason::kManualCheck);
  ASSERT_TRUE(checked.has_value());
  EXPECT_FALSE(checked->completed_now);
  EXPECT_FALSE(checked->is_completed());
  EXPECT_EQ(checked->task.task_type, TaskType::kCalling);
  EXPECT_EQ(checked->task.total_calls, 2);
  EXPECT_EQ(checked->task.connected_calls, 1);
}

TEST_P(ServicesOnStore, CheckCompletesATaskWhoseCountersAreFullOnce) {
  // Counters full but not completed: what a failed check after ingestion leaves behind.
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);

  const auto first = completion_->check(id, domain::reason::kManualCheck);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->completed_now);
  EXPECT_TRUE(first->is_completed());
  EXPECT_EQ(first->task.completed_at, clock_.now());
  EXPECT_EQ(history(id).back().reason, "manual_check");

  const auto second = completion_->check(id, domain::reason::kBatchCheck);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->completed_now);
  EXPECT_TRUE(second->is_completed());
  EXPECT_EQ(history(id).size(), 3U);
}

TEST_P(ServicesOnStore, CheckOfADeletedTaskLeavesItDeleted) {
  const TaskId id = add_task({"100"});
  ASSERT_EQ(connect(id, {"100"}), 1);
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kDeleted));
  const auto checked = completion_->check(id, domain::reason::kManualCheck);
  ASSERT_TRUE(checked.has_value());
  EXPECT_FALSE(checked->completed_now);
  EXPECT_EQ(checked->task.task_type, TaskType::kDeleted);
}

TEST_P(ServicesOnStore, FollowupChecksTheTaskAndPagesItsRecords) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(ingest({record_input(0, "c-1", id, "100", "NoAnswer")}).accepted, 1);
  ASSERT_EQ(ingest({record_input(0, "c-2", id, "100", "Busy")}).accepted, 1);
  ASSERT_EQ(connect(id, {"100"}), 1);  // counters full without a completion check

  const auto followup = completion_->followup(id, 1, 1);
  ASSERT_TRUE(followup.has_value());
  EXPECT_TRUE(followup->check.completed_now);
  EXPECT_EQ(history(id).back().reason, "followup_query");
  EXPECT_EQ(followup->records.total, 2);
  ASSERT_EQ(followup->records.items.size(), 1U);
  EXPECT_EQ(followup->records.items[0].call_id, "c-2");
}

/// A follow-up page's records as they are visited, by call id.
class CallIds final : public app::FollowupVisitor {
 public:
  void checked(const app::CheckResult& check) override { connected = check.task.connected_calls; }
  void total(std::int64_t count) override { total_records = count; }
  void record(const domain::CallRecord& record) override { call_ids.push_back(record.call_id); }

  std::int64_t connected = -1;
  std::int64_t total_records = -1;
  std::vector<std::string> call_ids;
};

TEST_P(ServicesOnStore, ReadsThatNeverBlockSeeEveryWriteBeforeThem) {
  // A check that never blocks is one statement with no BEGIN and COMMIT (SQLite): each must see
  // what was written before it, so a snapshot kept from the one before would fail here.
  const TaskId id = add_task({"100", "200"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  const auto first = completion_->check_without_blocking(id);
  if (!first.answered) {
    GTEST_SKIP() << "the store has no reads that never block (PostgreSQL)";
  }
  ASSERT_TRUE(first.result.has_value());
  EXPECT_EQ(first.result->task.connected_calls, 0);
  EXPECT_FALSE(completion_->check_without_blocking(4242).result.has_value());

  // A check that never blocks, answered, of a task with these counters.
  const auto expect_counters = [&](std::int64_t connected, std::int64_t settled) {
    const auto peek = completion_->check_without_blocking(id);
    ASSERT_TRUE(peek.answered);
    ASSERT_TRUE(peek.result.has_value());
    EXPECT_EQ(peek.result->task.connected_calls, connected);
    EXPECT_EQ(peek.result->task.settled_calls, settled);
  };
  ASSERT_EQ(ingest({record_input(0, "c-1", id, "100", "Connected")}).accepted, 1);
  expect_counters(1, 1);

  // A page (two statements, one transaction) after the single reads, then a check again.
  CallIds page;
  const auto peek = completion_->followup_without_blocking(id, 1, 20, page);
  ASSERT_TRUE(peek.answered);
  EXPECT_TRUE(peek.found);
  EXPECT_EQ(page.connected, 1);
  EXPECT_EQ(page.total_records, 1);
  EXPECT_EQ(page.call_ids, std::vector<std::string>{"c-1"});
  // A dead number settles the second lead; the task stays incomplete (all must connect).
  ASSERT_EQ(ingest({record_input(0, "c-2", id, "200", "EmptyNumber")}).accepted, 1);
  expect_counters(1, 2);
}

}  // namespace
}  // namespace dialtrack::store_test
