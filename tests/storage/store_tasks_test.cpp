#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

TEST_P(StoreContract, InsertedTaskIsCreatedWithZeroCounters) {
  auto tx = begin_write();
  const TaskId id = tx->insert_task("November renewals", std::string("jg-42"), at(1000));
  tx->commit();

  const auto found = begin_read()->find_task(id);
  ASSERT_TRUE(found.has_value());
  EXPECT_GT(id, 0);
  EXPECT_EQ(found->task_id, id);
  EXPECT_EQ(found->name, "November renewals");
  EXPECT_EQ(found->job_group_id, "jg-42");
  EXPECT_EQ(found->task_type, TaskType::kCreated);
  EXPECT_EQ(found->total_calls, 0);
  EXPECT_EQ(found->connected_calls, 0);
  EXPECT_EQ(found->created_at, at(1000));
  EXPECT_EQ(found->updated_at, at(1000));
  EXPECT_EQ(found->completed_at, std::nullopt);
}

TEST_P(StoreContract, TaskWithoutJobGroupHasNone) {
  auto tx = begin_write();
  const TaskId id = tx->insert_task("no group", std::nullopt, at(1000));
  EXPECT_EQ(tx->find_task(id)->job_group_id, std::nullopt);
}

TEST_P(StoreContract, TaskIdsAreDistinct) {
  const TaskId first = add_task({});
  const TaskId second = add_task({});
  EXPECT_NE(first, second);
}

TEST_P(StoreContract, UnknownTaskIsNotFound) {
  EXPECT_EQ(begin_read()->find_task(12345), std::nullopt);
}

TEST_P(StoreContract, InsertTaskWritesTheCreationHistoryRow) {
  const TaskId id = add_task({"100"});
  const auto rows = history(id);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].from, std::nullopt);
  EXPECT_EQ(rows[0].to, TaskType::kCreated);
  EXPECT_EQ(rows[0].reason, "created");
  EXPECT_EQ(rows[0].at, at(1000));
}

TEST_P(StoreContract, ListTasksPagesNewestFirstWithTheTotal) {
  std::vector<TaskId> ids;
  ids.reserve(5);
  for (int i = 0; i < 5; ++i) {
    ids.push_back(add_task({}));
  }
  auto tx = begin_read();
  const auto first = tx->list_tasks({std::nullopt, 1, 2});
  ASSERT_EQ(first.items.size(), 2U);
  EXPECT_EQ(first.items[0].task_id, ids[4]);
  EXPECT_EQ(first.items[1].task_id, ids[3]);
  EXPECT_EQ(first.total, 5);

  const auto last = tx->list_tasks({std::nullopt, 3, 2});
  ASSERT_EQ(last.items.size(), 1U);
  EXPECT_EQ(last.items[0].task_id, ids[0]);
  EXPECT_EQ(last.total, 5);

  const auto past_the_end = tx->list_tasks({std::nullopt, 4, 2});
  EXPECT_TRUE(past_the_end.items.empty());
  EXPECT_EQ(past_the_end.total, 5);
}

TEST_P(StoreContract, ListTasksFiltersByTypeAndCountsTheFilteredTotal) {
  const TaskId created = add_task({});
  const TaskId calling = add_task({});
  const TaskId deleted = add_task({});
  ASSERT_TRUE(move(calling, TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(deleted, TaskType::kCreated, TaskType::kDeleted));

  auto tx = begin_read();
  const auto calling_page = tx->list_tasks({TaskType::kCalling, 1, 20});
  ASSERT_EQ(calling_page.items.size(), 1U);
  EXPECT_EQ(calling_page.items[0].task_id, calling);
  EXPECT_EQ(calling_page.items[0].task_type, TaskType::kCalling);
  EXPECT_EQ(calling_page.total, 1);

  const auto created_page = tx->list_tasks({TaskType::kCreated, 1, 20});
  ASSERT_EQ(created_page.items.size(), 1U);
  EXPECT_EQ(created_page.items[0].task_id, created);

  const auto completed_page = tx->list_tasks({TaskType::kCompleted, 1, 20});
  EXPECT_TRUE(completed_page.items.empty());
  EXPECT_EQ(completed_page.total, 0);

  EXPECT_EQ(tx->list_tasks({std::nullopt, 1, 20}).total, 3);
}

TEST_P(StoreContract, SetJobGroupStoresIt) {
  const TaskId id = add_task({});
  auto tx = begin_write();
  tx->set_job_group(id, "jg-7", at(5000));
  tx->commit();
  const auto stored = task(id);
  EXPECT_EQ(stored.job_group_id, "jg-7");
  EXPECT_EQ(stored.updated_at, at(5000));
}

TEST_P(StoreContract, TransitionMovesTheTaskAndWritesHistory) {
  const TaskId id = add_task({"100"});
  auto tx = begin_write();
  ASSERT_TRUE(tx->transition(id, TaskType::kCreated, TaskType::kCalling, "api_start", at(4000)));
  tx->commit();

  const auto stored = task(id);
  EXPECT_EQ(stored.task_type, TaskType::kCalling);
  EXPECT_EQ(stored.updated_at, at(4000));
  const auto rows = history(id);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].from, TaskType::kCreated);
  EXPECT_EQ(rows[1].to, TaskType::kCalling);
  EXPECT_EQ(rows[1].reason, "api_start");
  EXPECT_EQ(rows[1].at, at(4000));
}

TEST_P(StoreContract, TransitionFromTheWrongStateChangesNothing) {
  const TaskId id = add_task({"100"});
  EXPECT_FALSE(move(id, TaskType::kCalling, TaskType::kCompleted));
  EXPECT_FALSE(move(id, TaskType::kDeleted, TaskType::kCalling));
  EXPECT_EQ(task(id).task_type, TaskType::kCreated);
  EXPECT_EQ(history(id).size(), 1U);
}

TEST_P(StoreContract, TransitionOfAnUnknownTaskIsFalse) {
  EXPECT_FALSE(move(999, TaskType::kCreated, TaskType::kCalling));
  EXPECT_TRUE(history(999).empty());
}

TEST_P(StoreContract, TransitionHappensOnceForTwoCallersWithTheSameFrom) {
  const TaskId id = add_task({"100"});
  EXPECT_TRUE(move(id, TaskType::kCreated, TaskType::kDeleted));
  EXPECT_FALSE(move(id, TaskType::kCreated, TaskType::kDeleted));
  EXPECT_EQ(history(id).size(), 2U);
}

}  // namespace
}  // namespace dialtrack::store_test
