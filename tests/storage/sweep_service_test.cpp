#include "app/sweep_service.hpp"

#include <gtest/gtest.h>

#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

constexpr std::chrono::minutes kSweepLeaseTtl{5};

TEST_P(ServicesOnStore, SweepCompletesCallingTasksWhoseCountersSayComplete) {
  // Counters full without a completion check: what a check that failed after a push leaves.
  const TaskId full = add_task({"100"});
  ASSERT_TRUE(move(full, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(full, {"100"}), 1);
  const TaskId partial = add_task({"100", "200"});
  ASSERT_TRUE(move(partial, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(partial, {"100"}), 1);
  const TaskId not_started = add_task({"100"});
  ASSERT_EQ(connect(not_started, {"100"}), 1);

  app::SweepService sweep(store(), clock_, *completion_, log_, "instance-a", 1000);
  const auto report = sweep.run_once();
  EXPECT_TRUE(report.ran);
  EXPECT_EQ(report.checked, 2);
  EXPECT_EQ(report.completed, 1);
  const auto completed = task(full);
  EXPECT_EQ(completed.task_type, TaskType::kCompleted);
  EXPECT_EQ(completed.completed_at, clock_.now());
  EXPECT_EQ(history(full).back().reason, "sweep");
  EXPECT_EQ(task(partial).task_type, TaskType::kCalling);
  EXPECT_EQ(task(not_started).task_type, TaskType::kCreated);
}

TEST_P(ServicesOnStore, SweepSkipsWhileAnotherHolderHasTheLease) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  {
    auto tx = begin_write();
    ASSERT_TRUE(tx->leases().acquire_lease("sweep", "instance-b", clock_.now(), kSweepLeaseTtl));
    tx->commit();
  }

  app::SweepService sweep(store(), clock_, *completion_, log_, "instance-a", 1000);
  const auto skipped = sweep.run_once();
  EXPECT_FALSE(skipped.ran);
  EXPECT_EQ(skipped.checked, 0);
  EXPECT_EQ(skipped.completed, 0);
  EXPECT_EQ(task(id).task_type, TaskType::kCalling);

  // instance-b crashed without releasing: once its lease ran out, instance-a sweeps.
  clock_.advance(std::chrono::milliseconds{kSweepLeaseTtl}.count() + 1);
  const auto ran = sweep.run_once();
  EXPECT_TRUE(ran.ran);
  EXPECT_EQ(ran.completed, 1);
  EXPECT_EQ(task(id).task_type, TaskType::kCompleted);
}

TEST_P(ServicesOnStore, SweepReleasesItsLeaseWhenDone) {
  app::SweepService sweep(store(), clock_, *completion_, log_, "instance-a", 1000);
  ASSERT_TRUE(sweep.run_once().ran);
  auto tx = begin_write();
  EXPECT_TRUE(tx->leases().acquire_lease("sweep", "instance-b", clock_.now(), kSweepLeaseTtl));
  tx->commit();
}

TEST_P(ServicesOnStore, SweepLooksAtNoMoreThanMaxTasksPerRun) {
  std::vector<TaskId> ids;
  for (int i = 0; i < 3; ++i) {
    const TaskId id = add_task({"100"});
    ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
    ASSERT_EQ(connect(id, {"100"}), 1);
    ids.push_back(id);
  }

  app::SweepService sweep(store(), clock_, *completion_, log_, "instance-a", 2);
  const auto first = sweep.run_once();
  EXPECT_EQ(first.checked, 2);
  EXPECT_EQ(first.completed, 2);
  EXPECT_EQ(task(ids[0]).task_type, TaskType::kCompleted);
  EXPECT_EQ(task(ids[1]).task_type, TaskType::kCompleted);
  EXPECT_EQ(task(ids[2]).task_type, TaskType::kCalling);

  const auto second = sweep.run_once();
  EXPECT_EQ(second.checked, 1);
  EXPECT_EQ(second.completed, 1);
  EXPECT_EQ(task(ids[2]).task_type, TaskType::kCompleted);
}

}  // namespace
}  // namespace dialtrack::store_test
