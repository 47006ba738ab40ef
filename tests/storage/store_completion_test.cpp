#include <gtest/gtest.h>

#include <algorithm>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

bool complete(storage::Store& store, TaskId task_id, Timestamp now) {
  auto tx = store.begin(storage::TxMode::kWrite);
  const bool completed = tx->complete_if_counters_full(task_id, "manual_check", now);
  tx->commit();
  return completed;
}

std::size_t completions(const std::vector<domain::Transition>& rows) {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const auto& row) {
    return row.from == TaskType::kCalling && row.to == TaskType::kCompleted;
  }));
}

TEST_P(StoreContract, CompletesACallingTaskWhoseLeadsAreAllConnected) {
  const TaskId id = add_task({"100", "200"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100", "200"}), 2);

  EXPECT_TRUE(complete(store(), id, at(9000)));
  const auto stored = task(id);
  EXPECT_EQ(stored.task_type, TaskType::kCompleted);
  EXPECT_EQ(stored.completed_at, at(9000));
  const auto rows = history(id);
  ASSERT_EQ(completions(rows), 1U);
  EXPECT_EQ(rows.back().reason, "manual_check");
  EXPECT_EQ(rows.back().at, at(9000));
}

TEST_P(StoreContract, CompletesOnlyOnce) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  EXPECT_TRUE(complete(store(), id, at(9000)));
  EXPECT_FALSE(complete(store(), id, at(9500)));
  EXPECT_EQ(completions(history(id)), 1U);
  EXPECT_EQ(task(id).completed_at, at(9000));
}

TEST_P(StoreContract, DoesNotCompleteWhileALeadIsNotConnected) {
  const TaskId id = add_task({"100", "200"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  EXPECT_FALSE(complete(store(), id, at(9000)));
  EXPECT_EQ(task(id).task_type, TaskType::kCalling);
  EXPECT_EQ(task(id).completed_at, std::nullopt);
  EXPECT_EQ(history(id).size(), 2U);
}

TEST_P(StoreContract, NeverCompletesATaskWithoutLeads) {
  const TaskId id = add_task({});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  EXPECT_FALSE(complete(store(), id, at(9000)));
  EXPECT_EQ(task(id).task_type, TaskType::kCalling);
}

TEST_P(StoreContract, CompletesOnlyFromCalling) {
  const TaskId created = add_task({"100"});
  ASSERT_EQ(connect(created, {"100"}), 1);
  EXPECT_FALSE(complete(store(), created, at(9000)));
  EXPECT_EQ(task(created).task_type, TaskType::kCreated);

  const TaskId deleted = add_task({"100"});
  ASSERT_EQ(connect(deleted, {"100"}), 1);
  ASSERT_TRUE(move(deleted, TaskType::kCreated, TaskType::kDeleted));
  EXPECT_FALSE(complete(store(), deleted, at(9000)));
  EXPECT_EQ(task(deleted).task_type, TaskType::kDeleted);
  EXPECT_EQ(completions(history(deleted)), 0U);
}

TEST_P(StoreContract, UnknownTaskDoesNotComplete) {
  EXPECT_FALSE(complete(store(), 4242, at(9000)));
}

TEST_P(StoreContract, LeavingCompletedClearsCompletedAt) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  ASSERT_TRUE(complete(store(), id, at(9000)));
  ASSERT_EQ(task(id).completed_at, at(9000));

  EXPECT_TRUE(move(id, TaskType::kCompleted, TaskType::kCalling));
  EXPECT_EQ(task(id).task_type, TaskType::kCalling);
  EXPECT_EQ(task(id).completed_at, std::nullopt);
}

TEST_P(StoreContract, TransitionIntoCompletedSetsCompletedAt) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  auto tx = begin_write();
  ASSERT_TRUE(tx->transition(id, TaskType::kCalling, TaskType::kCompleted, "test", at(7000)));
  tx->commit();
  EXPECT_EQ(task(id).completed_at, at(7000));
}

}  // namespace
}  // namespace dialtrack::store_test
