#include <gtest/gtest.h>

#include <algorithm>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

bool complete(store_api::Store& store, TaskId task_id, Timestamp now) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const bool completed = tx->tasks().complete_if_counters_full(task_id, "manual_check", now);
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
  ASSERT_TRUE(
      tx->tasks().transition(id, TaskType::kCalling, TaskType::kCompleted, "test", at(7000)));
  tx->commit();
  EXPECT_EQ(task(id).completed_at, at(7000));
}

TEST_P(StoreContract, CompletesEveryFullCallingTaskOfASetInOneCall) {
  const TaskId full = add_task({"100", "200"});
  const TaskId partial = add_task({"100", "200"});
  const TaskId created = add_task({"100"});
  const TaskId also_full = add_task({"300"});
  for (const TaskId id : {full, partial, also_full}) {
    ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  }
  ASSERT_EQ(connect(full, {"100", "200"}), 2);
  ASSERT_EQ(connect(partial, {"100"}), 1);
  ASSERT_EQ(connect(created, {"100"}), 1);
  ASSERT_EQ(connect(also_full, {"300"}), 1);

  auto tx = begin_write();
  const std::vector<TaskId> ids{also_full, 4242, partial, created, full};
  EXPECT_EQ(tx->tasks().complete_where_counters_full(ids, "records_ingested", at(9000)),
            (std::vector<TaskId>{std::min(full, also_full), std::max(full, also_full)}));
  tx->commit();

  for (const TaskId id : {full, also_full}) {
    EXPECT_EQ(task(id).task_type, TaskType::kCompleted);
    EXPECT_EQ(task(id).completed_at, at(9000));
    const auto rows = history(id);
    ASSERT_EQ(completions(rows), 1U);
    EXPECT_EQ(rows.back().reason, "records_ingested");
  }
  EXPECT_EQ(task(partial).task_type, TaskType::kCalling);
  EXPECT_EQ(task(created).task_type, TaskType::kCreated);

  auto again = begin_write();
  EXPECT_TRUE(
      again->tasks().complete_where_counters_full(ids, "records_ingested", at(9500)).empty());
  again->commit();
  EXPECT_EQ(completions(history(full)), 1U);
}

TEST_P(StoreContract, FindsTasksBySetInIdOrderLeavingOutUnknownIds) {
  const TaskId first = add_task({"100"});
  const TaskId second = add_task({"100", "200"});
  for (const auto mode : {store_api::TxMode::kWrite, store_api::TxMode::kRead}) {
    auto tx = store().begin(mode);
    const std::vector<TaskId> ids{second, 4242, first};
    const auto found = tx->tasks().find_tasks(ids);
    ASSERT_EQ(found.size(), 2U);
    EXPECT_EQ(found[0].task_id, first);
    EXPECT_EQ(found[1].task_id, second);
    EXPECT_EQ(found[1].total_calls, 2);
    EXPECT_TRUE(tx->tasks().find_tasks({}).empty());
  }
}

TEST_P(StoreContract, ASingleReadSeesWhatIsCommitted) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  {
    auto tx = store().begin(store_api::TxMode::kSingleRead);
    const auto found = tx->tasks().find_task(id);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->task_type, TaskType::kCalling);
    tx->commit();
  }
  {
    // Ended without commit, as a failed request would: the connection is fit for the next one.
    auto tx = store().begin(store_api::TxMode::kSingleRead);
    EXPECT_FALSE(tx->tasks().find_task(4242).has_value());
  }
  ASSERT_EQ(connect(id, {"100"}), 1);
  auto tx = store().begin(store_api::TxMode::kSingleRead);
  EXPECT_EQ(tx->tasks().find_task(id)->connected_calls, 1);
}

}  // namespace
}  // namespace dialtrack::store_test
