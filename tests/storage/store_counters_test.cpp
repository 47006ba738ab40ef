// audit_counters and repair_counters: what `dialtrack recount` builds on.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

/// The one audit row of a task, read in a fresh transaction.
store_api::CounterAudit audit_of(store_api::Store& store, TaskId task_id) {
  const auto audits =
      store.begin(store_api::TxMode::kRead)->tasks().audit_counters(task_id, 0, 100);
  if (audits.size() != 1) {
    throw std::logic_error("audit_counters returned " + std::to_string(audits.size()) +
                           " rows for task " + std::to_string(task_id));
  }
  return audits.front();
}

void repair(store_api::Store& store, TaskId task_id) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  tx->tasks().repair_counters(task_id, at(8000));
  tx->commit();
}

/// SQL setting counters of a task row directly, as a lost or doubled increment would leave them.
std::string set_counters_sql(TaskId task_id, std::int64_t total_calls, std::int64_t record_count) {
  return "UPDATE call_tasks SET total_calls = " + std::to_string(total_calls) +
         ", record_count = " + std::to_string(record_count) +
         " WHERE task_id = " + std::to_string(task_id);
}

TEST_P(StoreContract, AuditFindsNoDriftOnConsistentData) {
  const TaskId id = add_task({"100", "200", "300"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  write_records({record_write("c-1", lead(id, "100"), "NoAnswer", false, true),
                 record_write("c-2", lead(id, "100"), "Connected", true, true),
                 record_write("c-3", lead(id, "100"), "Connected", true, true),
                 record_write("c-4", lead(id, "200"), "Busy", false, true)});
  ASSERT_EQ(connect(id, {"100"}), 1);

  const auto audits = begin_read()->tasks().audit_counters(id, 0, 100);
  ASSERT_EQ(audits.size(), 1U);
  const auto& audit = audits[0];
  EXPECT_EQ(audit.task_id, id);
  EXPECT_EQ(audit.total_calls, 3);
  EXPECT_EQ(audit.actual_total_calls, 3);
  EXPECT_EQ(audit.connected_calls, 1);
  EXPECT_EQ(audit.actual_connected_calls, 1);  // two connected records of one lead count once
  EXPECT_EQ(audit.record_count, 4);
  EXPECT_EQ(audit.actual_record_count, 4);
  EXPECT_FALSE(audit.drifted());
}

TEST_P(StoreContract, AuditOfAnUnknownTaskIsEmpty) {
  add_task({"100"});
  EXPECT_TRUE(begin_read()->tasks().audit_counters(4242, 0, 100).empty());
}

TEST_P(StoreContract, AuditPagesEveryTaskAfterAnIdInIdOrder) {
  const TaskId first = add_task({"100"});
  const TaskId second = add_task({"100", "200"});
  const TaskId third = add_task({});
  ASSERT_TRUE(move(second, TaskType::kCreated, TaskType::kDeleted));  // deleted tasks count too

  auto tx = begin_read();
  const auto page = tx->tasks().audit_counters(std::nullopt, 0, 2);
  EXPECT_EQ(task_ids(page), (std::vector<TaskId>{first, second}));
  ASSERT_EQ(page.size(), 2U);
  EXPECT_EQ(page[0].actual_total_calls, 1);
  EXPECT_EQ(page[1].actual_total_calls, 2);
  EXPECT_EQ(task_ids(tx->tasks().audit_counters(std::nullopt, second, 2)),
            (std::vector<TaskId>{third}));
  EXPECT_TRUE(tx->tasks().audit_counters(std::nullopt, third, 2).empty());
}

TEST_P(StoreContract, AuditReportsLeadsMarkedConnectedWithoutARecord) {
  const TaskId id = add_task({"100", "200"});
  ASSERT_EQ(connect(id, {"100"}), 1);  // a write through the store with no record behind it

  const auto audits = begin_read()->tasks().audit_counters(id, 0, 100);
  ASSERT_EQ(audits.size(), 1U);
  EXPECT_EQ(audits[0].connected_calls, 1);
  EXPECT_EQ(audits[0].actual_connected_calls, 0);
  EXPECT_EQ(audits[0].total_calls, audits[0].actual_total_calls);
  EXPECT_TRUE(audits[0].drifted());
}

TEST_P(StoreContract, AuditReportsAConnectedRecordWhoseLeadWasNotMarked) {
  const TaskId id = add_task({"100", "200"});
  write_records({record_write("c-1", lead(id, "200"), "Connected", true, true)});

  const auto audits = begin_read()->tasks().audit_counters(id, 0, 100);
  ASSERT_EQ(audits.size(), 1U);
  EXPECT_EQ(audits[0].connected_calls, 0);
  EXPECT_EQ(audits[0].actual_connected_calls, 1);
  EXPECT_EQ(audits[0].record_count, 1);
  EXPECT_EQ(audits[0].actual_record_count, 1);
  EXPECT_TRUE(audits[0].drifted());
}

TEST_P(StoreContract, AuditReportsCountersChangedBehindTheStoresBack) {
  const TaskId drifted = add_task({"100", "200"});
  const TaskId intact = add_task({"100"});
  write_records({record_write("c-1", lead(drifted, "100"), "NoAnswer", false, true)});
  execute_sql(set_counters_sql(drifted, 7, 9));

  const auto audits = begin_read()->tasks().audit_counters(std::nullopt, 0, 100);
  ASSERT_EQ(task_ids(audits), (std::vector<TaskId>{drifted, intact}));
  EXPECT_EQ(audits[0].total_calls, 7);
  EXPECT_EQ(audits[0].actual_total_calls, 2);
  EXPECT_EQ(audits[0].record_count, 9);
  EXPECT_EQ(audits[0].actual_record_count, 1);
  EXPECT_TRUE(audits[0].drifted());
  EXPECT_FALSE(audits[1].drifted());
}

TEST_P(StoreContract, RepairSetsLeadFlagsAndCountersFromTheRecords) {
  const TaskId id = add_task({"100", "200", "300"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  ASSERT_EQ(connect(id, {"100"}), 1);  // connected without a record
  write_records({record_write("c-1", lead(id, "200"), "Connected", true, true),  // not marked
                 record_write("c-2", lead(id, "300"), "NoAnswer", false, true)});
  execute_sql(set_counters_sql(id, 9, 0));
  ASSERT_TRUE(audit_of(store(), id).drifted());

  repair(store(), id);
  const auto repaired = task(id);
  EXPECT_EQ(repaired.total_calls, 3);
  EXPECT_EQ(repaired.connected_calls, 1);
  EXPECT_EQ(repaired.task_type, TaskType::kCalling);
  EXPECT_FALSE(lead(id, "100").connected);
  EXPECT_TRUE(lead(id, "200").connected);
  EXPECT_FALSE(lead(id, "300").connected);
  EXPECT_EQ(begin_read()->records().task_records(id, 1, 20).total, 2);
  const auto after = audit_of(store(), id);
  EXPECT_EQ(after.record_count, 2);
  EXPECT_FALSE(after.drifted());
}

TEST_P(StoreContract, RepairedCountersLetTheTaskComplete) {
  const TaskId id = add_task({"100", "200"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  write_records({record_write("c-1", lead(id, "100"), "Connected", true, true),
                 record_write("c-2", lead(id, "200"), "Connected", true, true)});
  {
    auto tx = begin_write();
    ASSERT_FALSE(tx->tasks().complete_if_counters_full(id, "manual_check", at(7000)));
  }
  repair(store(), id);
  EXPECT_EQ(task(id).connected_calls, 2);
  auto tx = begin_write();
  EXPECT_TRUE(tx->tasks().complete_if_counters_full(id, "recount", at(9000)));
  tx->commit();
  EXPECT_EQ(task(id).task_type, TaskType::kCompleted);
}

TEST_P(StoreContract, RepairTouchesOnlyItsTask) {
  const TaskId repaired = add_task({"100"});
  const TaskId other = add_task({"100"});
  ASSERT_EQ(connect(repaired, {"100"}), 1);
  ASSERT_EQ(connect(other, {"100"}), 1);
  execute_sql(set_counters_sql(other, 5, 3));

  repair(store(), repaired);
  EXPECT_FALSE(audit_of(store(), repaired).drifted());
  EXPECT_EQ(task(repaired).connected_calls, 0);
  const auto untouched = audit_of(store(), other);
  EXPECT_TRUE(untouched.drifted());
  EXPECT_EQ(untouched.total_calls, 5);
  EXPECT_EQ(untouched.connected_calls, 1);
  EXPECT_EQ(untouched.record_count, 3);
  EXPECT_TRUE(lead(other, "100").connected);
}

TEST_P(StoreContract, RepairOfConsistentCountersChangesNoCounter) {
  const TaskId id = add_task({"100", "200"});
  write_records({record_write("c-1", lead(id, "100"), "Connected", true, true)});
  ASSERT_EQ(connect(id, {"100"}), 1);
  ASSERT_FALSE(audit_of(store(), id).drifted());

  repair(store(), id);
  const auto stored = task(id);
  EXPECT_EQ(stored.total_calls, 2);
  EXPECT_EQ(stored.connected_calls, 1);
  EXPECT_TRUE(lead(id, "100").connected);
  EXPECT_FALSE(lead(id, "200").connected);
  EXPECT_FALSE(audit_of(store(), id).drifted());
}

}  // namespace
}  // namespace dialtrack::store_test
