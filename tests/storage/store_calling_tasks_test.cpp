#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

TEST_P(StoreContract, CallingTasksListsOnlyTasksInStateTwoInIdOrder) {
  add_task({"100"});  // stays in state 1
  const TaskId first = add_task({"100"});
  const TaskId completed = add_task({"100"});
  const TaskId deleted = add_task({"100"});
  const TaskId second = add_task({"100"});
  ASSERT_TRUE(move(first, TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(completed, TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(completed, TaskType::kCalling, TaskType::kCompleted));
  ASSERT_TRUE(move(deleted, TaskType::kCreated, TaskType::kDeleted));
  ASSERT_TRUE(move(second, TaskType::kCreated, TaskType::kCalling));

  const auto tasks = begin_read()->tasks().calling_tasks(0, 100);
  EXPECT_EQ(task_ids(tasks), (std::vector<TaskId>{first, second}));
  for (const auto& task : tasks) {
    EXPECT_EQ(task.task_type, TaskType::kCalling) << task.task_id;
  }
}

TEST_P(StoreContract, CallingTasksCarryTheirCounters) {
  const TaskId id = add_task({"100", "200", "300"}, "jg-1");
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"200"}), 1);

  const auto tasks = begin_read()->tasks().calling_tasks(0, 10);
  ASSERT_EQ(tasks.size(), 1U);
  EXPECT_EQ(tasks[0].task_id, id);
  EXPECT_EQ(tasks[0].name, "task");
  EXPECT_EQ(tasks[0].job_group_id, "jg-1");
  EXPECT_EQ(tasks[0].total_calls, 3);
  EXPECT_EQ(tasks[0].connected_calls, 1);
  EXPECT_EQ(tasks[0].completed_at, std::nullopt);
}

TEST_P(StoreContract, CallingTasksPageAfterAnIdByALimit) {
  std::vector<TaskId> calling;
  for (int i = 0; i < 5; ++i) {
    const TaskId id = add_task({"100"});
    ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
    calling.push_back(id);
    add_task({"100"});  // a task in state 1 between every two calling ones
  }
  auto tx = begin_read();
  EXPECT_EQ(task_ids(tx->tasks().calling_tasks(0, 2)),
            (std::vector<TaskId>{calling[0], calling[1]}));
  EXPECT_EQ(task_ids(tx->tasks().calling_tasks(calling[1], 2)),
            (std::vector<TaskId>{calling[2], calling[3]}));
  EXPECT_EQ(task_ids(tx->tasks().calling_tasks(calling[3], 2)), (std::vector<TaskId>{calling[4]}));
  EXPECT_TRUE(tx->tasks().calling_tasks(calling[4], 2).empty());
  // `after` is exclusive even when it is not itself a calling task's id.
  EXPECT_EQ(task_ids(tx->tasks().calling_tasks(calling[0] + 1, 1)),
            (std::vector<TaskId>{calling[1]}));
}

TEST_P(StoreContract, CallingTasksIsEmptyWhenNoTaskIsCalling) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(id, TaskType::kCalling, TaskType::kDeleted));
  add_task({"200"});
  EXPECT_TRUE(begin_read()->tasks().calling_tasks(0, 100).empty());
}

}  // namespace
}  // namespace dialtrack::store_test
