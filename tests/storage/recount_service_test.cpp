#include "app/recount_service.hpp"

#include <gtest/gtest.h>

#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

TEST_P(ServicesOnStore, RecountRepairCompletesATaskWhoseCountersWereRepaired) {
  // Every lead has a connected record, but the counters missed them: the task looks incomplete.
  const TaskId id = add_task({"100", "200"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  write_records({record_write("c-1", lead(id, "100"), "Connected", true, true),
                 record_write("c-2", lead(id, "200"), "Connected", true, true)});
  ASSERT_FALSE(completion_->check(id, domain::reason::kManualCheck)->completed_now);

  app::RecountService recount(store(), clock_, *completion_, log_);
  const auto report = recount.recount(id, true);
  EXPECT_EQ(report.tasks_checked, 1);
  ASSERT_EQ(task_ids(report.drifted), (std::vector<TaskId>{id}));
  EXPECT_EQ(report.drifted[0].connected_calls, 0);  // as found, before the repair
  EXPECT_EQ(report.drifted[0].actual_connected_calls, 2);
  EXPECT_TRUE(report.repaired);
  EXPECT_EQ(report.completed, (std::vector<TaskId>{id}));

  const auto stored = task(id);
  EXPECT_EQ(stored.task_type, TaskType::kCompleted);
  EXPECT_EQ(stored.connected_calls, 2);
  EXPECT_EQ(stored.completed_at, clock_.now());
  EXPECT_EQ(history(id).back().reason, "recount");
}

TEST_P(ServicesOnStore, RecountWithoutRepairOnlyReports) {
  const TaskId id = add_task({"100"});
  ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  write_records({record_write("c-1", lead(id, "100"), "Connected", true, true)});

  app::RecountService recount(store(), clock_, *completion_, log_);
  const auto report = recount.recount(id, false);
  EXPECT_EQ(task_ids(report.drifted), (std::vector<TaskId>{id}));
  EXPECT_FALSE(report.repaired);
  EXPECT_TRUE(report.completed.empty());
  const auto stored = task(id);
  EXPECT_EQ(stored.task_type, TaskType::kCalling);
  EXPECT_EQ(stored.connected_calls, 0);
  EXPECT_FALSE(lead(id, "100").connected);
}

TEST_P(ServicesOnStore, RecountOfEveryTaskRepairsTheDriftedOnesAndCompletesOnlyCallingOnes) {
  const auto consistent = create_task({"100", "200"});
  ASSERT_EQ(ingest({record_input(0, "c-1", consistent.task_id, "100", "Connected")}).accepted, 1);
  const TaskId calling = add_task({"100"});
  ASSERT_TRUE(move(calling, TaskType::kCreated, TaskType::kCalling));
  write_records({record_write("c-2", lead(calling, "100"), "Connected", true, true)});
  const TaskId created = add_task({"100"});
  write_records({record_write("c-3", lead(created, "100"), "Connected", true, true)});

  app::RecountService recount(store(), clock_, *completion_, log_);
  const auto report = recount.recount(std::nullopt, true);
  EXPECT_EQ(report.tasks_checked, 3);
  EXPECT_EQ(task_ids(report.drifted), (std::vector<TaskId>{calling, created}));
  EXPECT_EQ(report.completed, (std::vector<TaskId>{calling}));
  EXPECT_EQ(task(calling).task_type, TaskType::kCompleted);
  EXPECT_EQ(task(created).task_type, TaskType::kCreated);
  EXPECT_EQ(task(created).connected_calls, 1);
  EXPECT_EQ(task(consistent.task_id).task_type, TaskType::kCalling);
  EXPECT_TRUE(recount.recount(std::nullopt, false).drifted.empty());
}

TEST_P(ServicesOnStore, IngestedRecordsLeaveNoDrift) {
  const auto created = create_task({"100", "200", "300"});
  const TaskId id = created.task_id;
  ASSERT_EQ(ingest({record_input(0, "c-1", id, "100", "NoAnswer", 1000),
                    record_input(1, "c-2", id, "100", "Connected", 2000),
                    record_input(2, "c-3", id, "200", "Busy", 1000)})
                .accepted,
            3);
  const auto second = ingest({record_input(0, "c-3", id, "200", "SucceededFinish", 3000),
                              record_input(1, "c-2", id, "100", "NoAnswer", 4000),
                              record_input(2, "c-4", id, "300", "NoAnswer", 1000)});
  ASSERT_EQ(second.accepted, 1);
  ASSERT_EQ(second.updated, 1);
  ASSERT_EQ(second.stale, 1);  // a connected record stays connected

  app::RecountService recount(store(), clock_, *completion_, log_);
  const auto report = recount.recount(std::nullopt, false);
  EXPECT_EQ(report.tasks_checked, 1);
  EXPECT_TRUE(report.drifted.empty());
  const auto stored = task(id);
  EXPECT_EQ(stored.total_calls, 3);
  EXPECT_EQ(stored.connected_calls, 2);
}

TEST_P(ServicesOnStore, RecountFindsReportAggregatesThatDriftedAndFixRebuildsThem) {
  const auto created = create_task({"100", "200"});
  const TaskId id = created.task_id;
  ASSERT_EQ(ingest({record_input(0, "c-1", id, "100", "NoAnswer", 1000),
                    record_input(1, "c-2", id, "200", "Busy", 2000),
                    record_input(2, "c-3", id, "200", "NoAnswer", 3000)})
                .accepted,
            3);
  const auto before = begin_read()->reports().task_report(id);
  execute_sql(
      "UPDATE task_call_stats SET calls = calls * 2; "
      "UPDATE task_leads SET attempts = 0, latest_status = NULL, latest_at = NULL");

  app::RecountService recount(store(), clock_, *completion_, log_);
  const auto found = recount.recount(id, false);
  ASSERT_EQ(task_ids(found.drifted), (std::vector<TaskId>{id}));
  EXPECT_FALSE(found.drifted[0].counters_drifted());
  EXPECT_TRUE(found.drifted[0].report_drifted());
  EXPECT_EQ(found.drifted[0].report_calls, 6);
  EXPECT_EQ(found.drifted[0].lead_attempts, 0);
  EXPECT_EQ(found.drifted[0].actual_record_count, 3);
  EXPECT_TRUE(begin_read()->reports().task_report(id).by_latest.empty()) << "left as found";

  const auto fixed = recount.recount(id, true);
  EXPECT_TRUE(fixed.repaired);
  EXPECT_TRUE(fixed.completed.empty());
  EXPECT_TRUE(recount.recount(std::nullopt, false).drifted.empty());
  const auto after = begin_read()->reports().task_report(id);
  ASSERT_EQ(after.by_status.size(), before.by_status.size());
  std::int64_t calls = 0;
  for (const auto& s : after.by_status) {
    calls += s.calls;
  }
  EXPECT_EQ(calls, 3);
  std::int64_t phones = 0;
  for (const auto& l : after.by_latest) {
    phones += l.phones;
    EXPECT_EQ(l.call_status, "NoAnswer") << "each phone's latest attempt";
  }
  EXPECT_EQ(phones, 2);
  EXPECT_EQ(after.by_hour.size(), before.by_hour.size());
}

TEST_P(ServicesOnStore, RecountListsRecordsStampedPastTheClockByTask) {
  using std::chrono::minutes;
  const TaskId skewed = add_task({"100", "200"});
  const TaskId fine = add_task({"100"});
  auto event = record_write("f-1", lead(skewed, "100"), "NoAnswer", false, true);
  event.fields.event_time = clock_.now() + std::chrono::hours{1};
  auto ended = record_write("f-2", lead(skewed, "200"), "NoAnswer", false, true);
  ended.fields.ended_at = clock_.now() + minutes{6};
  auto within = record_write("n-1", lead(fine, "100"), "NoAnswer", false, true);
  within.fields.started_at = clock_.now() + minutes{5};  // the allowance itself: not listed
  write_records({event, within, ended});

  app::RecountService recount(store(), clock_, *completion_, log_);
  const auto report = recount.recount(std::nullopt, true);
  EXPECT_TRUE(report.drifted.empty());
  EXPECT_EQ(report.future_after, clock_.now() + minutes{5});
  ASSERT_EQ(report.future_stamped.size(), 1u);
  const auto& listed = report.future_stamped[0];
  EXPECT_EQ(listed.task_id, skewed);
  EXPECT_EQ(listed.records, 2);
  ASSERT_EQ(listed.examples.size(), 2u);
  EXPECT_EQ(listed.examples[0].call_id, "f-1");  // in the order they were stored
  EXPECT_EQ(listed.examples[1].call_id, "f-2");
  // Listed, never changed: no repair can know the true time.
  EXPECT_EQ(stored_record("f-1")->fields.event_time, event.fields.event_time);

  EXPECT_TRUE(recount.recount(fine, false).future_stamped.empty());
  EXPECT_EQ(recount.recount(skewed, false).future_stamped.size(), 1u);
  app::RecountService lenient(store(), clock_, *completion_, log_, std::chrono::hours{2});
  EXPECT_TRUE(lenient.recount(std::nullopt, false).future_stamped.empty());
}

}  // namespace
}  // namespace dialtrack::store_test
