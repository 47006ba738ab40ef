#include "app/task_service.hpp"

#include <gtest/gtest.h>

#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

using app::TaskFailure;

template <typename T>
TaskFailure failure_of(const app::TaskOutcome<T>& outcome) {
  EXPECT_TRUE(std::holds_alternative<TaskFailure>(outcome));
  return std::holds_alternative<TaskFailure>(outcome) ? std::get<TaskFailure>(outcome)
                                                      : TaskFailure::kNotFound;
}

TEST_P(ServicesOnStore, CreateStoresARepeatedPhoneOnce) {
  const auto created = create_task({"100", "200", "100"}, "jg-1");
  EXPECT_EQ(created.task_type, TaskType::kCreated);
  EXPECT_EQ(created.total_calls, 2);
  EXPECT_EQ(created.connected_calls, 0);
  EXPECT_EQ(created.job_group_id, "jg-1");
  EXPECT_EQ(created.created_at, clock_.now());
  EXPECT_EQ(task(created.task_id).total_calls, 2);
  const auto rows = history(created.task_id);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].reason, "created");
}

TEST_P(ServicesOnStore, GetAndListSeeCreatedTasks) {
  const auto first = create_task({"100"});
  const auto second = create_task({});
  EXPECT_EQ(tasks_->get(first.task_id)->name, "task");
  EXPECT_EQ(tasks_->get(second.task_id + 100), std::nullopt);
  const auto page = tasks_->list({std::nullopt, 1, 20});
  ASSERT_EQ(page.items.size(), 2U);
  EXPECT_EQ(page.items[0].task_id, second.task_id);
  EXPECT_EQ(page.total, 2);
}

TEST_P(ServicesOnStore, AddLeadsCountsDuplicates) {
  const auto created = create_task({"100", "200"});
  const auto outcome = tasks_->add_leads(created.task_id, leads({"200", "300", "300"}));
  ASSERT_TRUE(std::holds_alternative<app::LeadsAdded>(outcome));
  const auto& added = std::get<app::LeadsAdded>(outcome);
  EXPECT_EQ(added.added, 1);
  EXPECT_EQ(added.duplicates, 2);
  EXPECT_EQ(added.total_calls, 3);
  EXPECT_EQ(task(created.task_id).total_calls, 3);
}

TEST_P(ServicesOnStore, AddLeadsReopensACompletedTask) {
  const auto created = create_task({"100"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "Connected")}).completed_tasks,
            std::vector<TaskId>{created.task_id});

  const auto outcome = tasks_->add_leads(created.task_id, leads({"200"}));
  ASSERT_TRUE(std::holds_alternative<app::LeadsAdded>(outcome));
  const auto reopened = task(created.task_id);
  EXPECT_EQ(reopened.task_type, TaskType::kCalling);
  EXPECT_EQ(reopened.completed_at, std::nullopt);
  EXPECT_EQ(reopened.total_calls, 2);
  EXPECT_EQ(reopened.connected_calls, 1);
  const auto rows = history(created.task_id);
  EXPECT_EQ(rows.back().from, TaskType::kCompleted);
  EXPECT_EQ(rows.back().to, TaskType::kCalling);
  EXPECT_EQ(rows.back().reason, "leads_added");
}

TEST_P(ServicesOnStore, AddingOnlyKnownPhonesLeavesACompletedTaskCompleted) {
  const auto created = create_task({"100"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "Connected")}).completed_tasks,
            std::vector<TaskId>{created.task_id});
  const auto outcome = tasks_->add_leads(created.task_id, leads({"100"}));
  ASSERT_TRUE(std::holds_alternative<app::LeadsAdded>(outcome));
  EXPECT_EQ(std::get<app::LeadsAdded>(outcome).duplicates, 1);
  EXPECT_EQ(task(created.task_id).task_type, TaskType::kCompleted);
}

TEST_P(ServicesOnStore, AddLeadsRefusesDeletedAndUnknownTasks) {
  const auto created = create_task({"100"});
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->remove(created.task_id)));
  EXPECT_EQ(failure_of(tasks_->add_leads(created.task_id, leads({"200"}))), TaskFailure::kDeleted);
  EXPECT_EQ(task(created.task_id).total_calls, 1);
  EXPECT_EQ(failure_of(tasks_->add_leads(9999, leads({"200"}))), TaskFailure::kNotFound);
}

TEST_P(ServicesOnStore, StartMovesACreatedTaskToCallingAndStoresTheJobGroup) {
  const auto created = create_task({"100"});
  const auto outcome = tasks_->start(created.task_id, std::string("jg-9"));
  ASSERT_TRUE(std::holds_alternative<domain::Task>(outcome));
  EXPECT_EQ(std::get<domain::Task>(outcome).task_type, TaskType::kCalling);
  EXPECT_EQ(std::get<domain::Task>(outcome).job_group_id, "jg-9");
  const auto rows = history(created.task_id);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].reason, "api_start");
}

TEST_P(ServicesOnStore, StartIsIdempotentOnACallingTask) {
  const auto created = create_task({"100"});
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->start(created.task_id, std::nullopt)));
  const auto again = tasks_->start(created.task_id, std::string("jg-2"));
  ASSERT_TRUE(std::holds_alternative<domain::Task>(again));
  EXPECT_EQ(std::get<domain::Task>(again).task_type, TaskType::kCalling);
  EXPECT_EQ(std::get<domain::Task>(again).job_group_id, "jg-2");
  EXPECT_EQ(history(created.task_id).size(), 2U);
}

TEST_P(ServicesOnStore, StartRefusesCompletedDeletedAndUnknownTasks) {
  const auto completed = create_task({"100"});
  ASSERT_EQ(ingest({record_input(0, "c-1", completed.task_id, "100", "Connected")})
                .completed_tasks.size(),
            1U);
  EXPECT_EQ(failure_of(tasks_->start(completed.task_id, std::nullopt)), TaskFailure::kWrongState);
  EXPECT_EQ(task(completed.task_id).task_type, TaskType::kCompleted);

  const auto deleted = create_task({"100"});
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->remove(deleted.task_id)));
  EXPECT_EQ(failure_of(tasks_->start(deleted.task_id, std::string("jg-1"))), TaskFailure::kDeleted);
  EXPECT_EQ(task(deleted.task_id).job_group_id, std::nullopt);

  EXPECT_EQ(failure_of(tasks_->start(9999, std::nullopt)), TaskFailure::kNotFound);
}

TEST_P(ServicesOnStore, RemoveIsIdempotent) {
  const auto created = create_task({"100"});
  const auto first = tasks_->remove(created.task_id);
  ASSERT_TRUE(std::holds_alternative<domain::Task>(first));
  EXPECT_EQ(std::get<domain::Task>(first).task_type, TaskType::kDeleted);
  const auto second = tasks_->remove(created.task_id);
  ASSERT_TRUE(std::holds_alternative<domain::Task>(second));
  EXPECT_EQ(std::get<domain::Task>(second).task_type, TaskType::kDeleted);
  const auto rows = history(created.task_id);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].to, TaskType::kDeleted);
  EXPECT_EQ(rows[1].reason, "api_delete");
  EXPECT_EQ(failure_of(tasks_->remove(9999)), TaskFailure::kNotFound);
}

TEST_P(ServicesOnStore, HistoryIsOldestFirstAndUnknownTaskIsNotFound) {
  const auto created = create_task({"100"});
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->start(created.task_id, std::nullopt)));
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->remove(created.task_id)));
  const auto outcome = tasks_->history(created.task_id);
  ASSERT_TRUE(std::holds_alternative<std::vector<domain::Transition>>(outcome));
  const auto& rows = std::get<std::vector<domain::Transition>>(outcome);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].from, std::nullopt);
  EXPECT_EQ(rows[1].to, TaskType::kCalling);
  EXPECT_EQ(rows[2].to, TaskType::kDeleted);
  EXPECT_EQ(failure_of(tasks_->history(9999)), TaskFailure::kNotFound);
}

}  // namespace
}  // namespace dialtrack::store_test
