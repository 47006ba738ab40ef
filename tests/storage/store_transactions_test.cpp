#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

TEST_P(StoreContract, BackendNamesItself) {
  const auto name = store().backend();
  EXPECT_TRUE(name == "sqlite" || name == "postgresql") << name;
}

TEST_P(StoreContract, WriteTransactionWithoutCommitKeepsNothing) {
  {
    auto tx = begin_write();
    const TaskId id = tx->tasks().insert_task("dropped", std::nullopt, at(1000));
    tx->leads().insert_leads(id, leads({"100"}), at(1000));
  }
  const auto page = begin_read()->tasks().list_tasks({std::nullopt, 1, 20});
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total, 0);
}

TEST_P(StoreContract, RolledBackChangesOfAnExistingTaskAreUndone) {
  const TaskId id = add_task({"100"});
  {
    auto tx = begin_write();
    ASSERT_TRUE(
        tx->tasks().transition(id, TaskType::kCreated, TaskType::kCalling, "api_start", at(2000)));
    ASSERT_EQ(tx->leads().insert_leads(id, leads({"200"}), at(2000)), 1);
    const auto write = record_write("c-1", lead(id, "100"), "Connected", true, true);
    tx->records().upsert_records({&write, 1}, at(2000));
    const std::vector<LeadId> ids{write.lead_id};
    tx->leads().mark_leads_connected(ids, at(2000));
  }
  const auto stored = task(id);
  EXPECT_EQ(stored.task_type, TaskType::kCreated);
  EXPECT_EQ(stored.total_calls, 1);
  EXPECT_EQ(stored.connected_calls, 0);
  EXPECT_EQ(history(id).size(), 1U);
  EXPECT_FALSE(lead(id, "100").connected);
  EXPECT_TRUE(begin_read()->records().find_records(std::vector<std::string>{"c-1"}).empty());
  EXPECT_EQ(begin_read()->records().task_records(id, 1, 20).total, 0);
}

TEST_P(StoreContract, StoreStaysWritableAfterARollback) {
  { auto dropped = begin_write(); }
  auto tx = begin_write();
  const TaskId id = tx->tasks().insert_task("kept", std::nullopt, at(1000));
  tx->commit();
  EXPECT_EQ(task(id).name, "kept");
}

TEST_P(StoreContract, ReadTransactionDoesNotSeeUncommittedWrites) {
  auto writer = begin_write();
  const TaskId id = writer->tasks().insert_task("pending", std::nullopt, at(1000));
  {
    auto reader = begin_read();
    EXPECT_EQ(reader->tasks().find_task(id), std::nullopt);
    EXPECT_EQ(reader->tasks().list_tasks({std::nullopt, 1, 20}).total, 0);
  }
  writer->commit();
  EXPECT_EQ(begin_read()->tasks().find_task(id)->name, "pending");
}

TEST_P(StoreContract, ReadTransactionKeepsOneSnapshot) {
  const TaskId id = add_task({"100"});
  auto reader = begin_read();
  ASSERT_EQ(reader->tasks().find_task(id)->connected_calls, 0);
  ASSERT_EQ(connect(id, {"100"}), 1);
  EXPECT_EQ(reader->tasks().find_task(id)->connected_calls, 0);
  EXPECT_EQ(task(id).connected_calls, 1);
}

TEST_P(StoreContract, MigrateIsIdempotent) {
  const TaskId id = add_task({"100"});
  const int first = store().migrate();
  const int second = store().migrate();
  EXPECT_GE(first, 1);
  EXPECT_EQ(first, second);
  EXPECT_EQ(task(id).total_calls, 1);
}

TEST_P(StoreContract, DataSurvivesReopening) {
  const TaskId id = add_task({"100", "200"}, "jg-1");
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);
  const auto write = record_write("c-1", lead(id, "100"), "Connected", true, true);
  {
    auto tx = begin_write();
    tx->records().upsert_records({&write, 1}, at(5000));
    tx->commit();
  }
  const int version = store().migrate();

  reopen();
  EXPECT_EQ(store().migrate(), version);
  const auto stored = task(id);
  EXPECT_EQ(stored.job_group_id, "jg-1");
  EXPECT_EQ(stored.task_type, TaskType::kCalling);
  EXPECT_EQ(stored.total_calls, 2);
  EXPECT_EQ(stored.connected_calls, 1);
  EXPECT_EQ(history(id).size(), 2U);
  EXPECT_TRUE(lead(id, "100").connected);
  const auto records = begin_read()->records().task_records(id, 1, 20);
  ASSERT_EQ(records.items.size(), 1U);
  EXPECT_EQ(records.items[0].call_id, "c-1");
  EXPECT_EQ(records.total, 1);
}

}  // namespace
}  // namespace dialtrack::store_test
