#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

/// Commits one task per name, in this order (so the last is the newest); their ids.
std::vector<TaskId> add_named_tasks(store_api::Store& store,
                                    std::initializer_list<std::string_view> names) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  std::vector<TaskId> ids;
  for (const auto name : names) {
    ids.push_back(tx->tasks().insert_task(name, std::nullopt, at(1000)));
  }
  tx->commit();
  return ids;
}

/// A query for tasks whose name contains `text`, 20 a page.
store_api::TaskListQuery name_query(std::string text,
                                    std::optional<TaskType> task_type = std::nullopt,
                                    std::int64_t page = 1, std::int64_t page_size = 20) {
  return {task_type, page, page_size, std::move(text)};
}

TEST_P(StoreContract, InsertedTaskIsCreatedWithZeroCounters) {
  auto tx = begin_write();
  const TaskId id = tx->tasks().insert_task("November renewals", std::string("jg-42"), at(1000));
  tx->commit();

  const auto found = begin_read()->tasks().find_task(id);
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
  const TaskId id = tx->tasks().insert_task("no group", std::nullopt, at(1000));
  EXPECT_EQ(tx->tasks().find_task(id)->job_group_id, std::nullopt);
}

TEST_P(StoreContract, TaskIdsAreDistinct) {
  const TaskId first = add_task({});
  const TaskId second = add_task({});
  EXPECT_NE(first, second);
}

TEST_P(StoreContract, UnknownTaskIsNotFound) {
  EXPECT_EQ(begin_read()->tasks().find_task(12345), std::nullopt);
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
  const auto first = tx->tasks().list_tasks({std::nullopt, 1, 2});
  ASSERT_EQ(first.items.size(), 2U);
  EXPECT_EQ(first.items[0].task_id, ids[4]);
  EXPECT_EQ(first.items[1].task_id, ids[3]);
  EXPECT_EQ(first.total, 5);

  const auto last = tx->tasks().list_tasks({std::nullopt, 3, 2});
  ASSERT_EQ(last.items.size(), 1U);
  EXPECT_EQ(last.items[0].task_id, ids[0]);
  EXPECT_EQ(last.total, 5);

  const auto past_the_end = tx->tasks().list_tasks({std::nullopt, 4, 2});
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
  const auto calling_page = tx->tasks().list_tasks({TaskType::kCalling, 1, 20});
  ASSERT_EQ(calling_page.items.size(), 1U);
  EXPECT_EQ(calling_page.items[0].task_id, calling);
  EXPECT_EQ(calling_page.items[0].task_type, TaskType::kCalling);
  EXPECT_EQ(calling_page.total, 1);

  const auto created_page = tx->tasks().list_tasks({TaskType::kCreated, 1, 20});
  ASSERT_EQ(created_page.items.size(), 1U);
  EXPECT_EQ(created_page.items[0].task_id, created);

  const auto completed_page = tx->tasks().list_tasks({TaskType::kCompleted, 1, 20});
  EXPECT_TRUE(completed_page.items.empty());
  EXPECT_EQ(completed_page.total, 0);

  EXPECT_EQ(tx->tasks().list_tasks({std::nullopt, 1, 20}).total, 3);
}

TEST_P(StoreContract, ListTasksByNameMatchesASubstringAndCountsTheMatches) {
  const auto ids = add_named_tasks(
      store(), {"November renewals", "Churn survey", "December renewals", "renewal"});
  auto tx = begin_read();
  const auto renewals = tx->tasks().list_tasks(name_query("renewals"));
  EXPECT_EQ(task_ids(renewals.items), (std::vector<TaskId>{ids[2], ids[0]}));
  EXPECT_EQ(renewals.total, 2);
  EXPECT_EQ(renewals.items[0].name, "December renewals");

  // Anywhere in the name, spaces included.
  const auto middle = tx->tasks().list_tasks(name_query("mber ren"));
  EXPECT_EQ(task_ids(middle.items), (std::vector<TaskId>{ids[2], ids[0]}));
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("vember")).items),
            std::vector<TaskId>{ids[0]});
  EXPECT_EQ(tx->tasks().list_tasks(name_query("renewal")).total, 3);

  const auto none = tx->tasks().list_tasks(name_query("renewals!"));
  EXPECT_TRUE(none.items.empty());
  EXPECT_EQ(none.total, 0);
  // The other filters alone still see every task.
  EXPECT_EQ(tx->tasks().list_tasks({std::nullopt, 1, 20}).total, 4);
}

TEST_P(StoreContract, ListTasksByNameIgnoresTheCaseOfAsciiLetters) {
  const auto ids = add_named_tasks(store(), {"November Renewals", "VIP客户回访", "other"});
  auto tx = begin_read();
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("november renewals")).items),
            std::vector<TaskId>{ids[0]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("NOVEMBER")).items),
            std::vector<TaskId>{ids[0]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("rEnEwAlS")).items),
            std::vector<TaskId>{ids[0]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("vip客户")).items),
            std::vector<TaskId>{ids[1]});
  EXPECT_EQ(tx->tasks().list_tasks(name_query("OTHER")).total, 1);
}

TEST_P(StoreContract, ListTasksByNameFindsChineseNames) {
  const auto ids = add_named_tasks(store(), {"十一月续费回访", "新客户欢迎", "十二月续费回访"});
  auto tx = begin_read();
  const auto renewals = tx->tasks().list_tasks(name_query("续费"));
  EXPECT_EQ(task_ids(renewals.items), (std::vector<TaskId>{ids[2], ids[0]}));
  EXPECT_EQ(renewals.total, 2);
  EXPECT_EQ(renewals.items[1].name, "十一月续费回访");
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("十一月")).items),
            std::vector<TaskId>{ids[0]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("客户欢迎")).items),
            std::vector<TaskId>{ids[1]});
  EXPECT_EQ(tx->tasks().list_tasks(name_query("续费欢迎")).total, 0);
}

TEST_P(StoreContract, ListTasksByNameTakesWildcardsAndBackslashLiterally) {
  const auto ids = add_named_tasks(
      store(), {"50% off", "500 off", "a_b", "axb", "back\\slash", "backslash", "100%_done"});
  auto tx = begin_read();
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("%")).items),
            (std::vector<TaskId>{ids[6], ids[0]}));
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("0% ")).items), std::vector<TaskId>{ids[0]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("_")).items),
            (std::vector<TaskId>{ids[6], ids[2]}));
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("a_b")).items), std::vector<TaskId>{ids[2]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("%_")).items), std::vector<TaskId>{ids[6]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("\\")).items), std::vector<TaskId>{ids[4]});
  EXPECT_EQ(task_ids(tx->tasks().list_tasks(name_query("k\\s")).items),
            std::vector<TaskId>{ids[4]});
  EXPECT_EQ(tx->tasks().list_tasks(name_query("%%")).total, 0);
  EXPECT_EQ(tx->tasks().list_tasks(name_query("5_0")).total, 0);
}

TEST_P(StoreContract, ListTasksByNameAndTypeNeedsBoth) {
  const auto ids = add_named_tasks(store(), {"renewals A", "renewals B", "survey C", "renewals D"});
  ASSERT_TRUE(move(ids[1], TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(ids[2], TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(ids[3], TaskType::kCreated, TaskType::kCalling));

  auto tx = begin_read();
  const auto calling = tx->tasks().list_tasks(name_query("RENEWALS", TaskType::kCalling));
  EXPECT_EQ(task_ids(calling.items), (std::vector<TaskId>{ids[3], ids[1]}));
  EXPECT_EQ(calling.total, 2);
  const auto created = tx->tasks().list_tasks(name_query("renewals", TaskType::kCreated));
  EXPECT_EQ(task_ids(created.items), std::vector<TaskId>{ids[0]});
  EXPECT_EQ(created.total, 1);
  const auto completed = tx->tasks().list_tasks(name_query("renewals", TaskType::kCompleted));
  EXPECT_TRUE(completed.items.empty());
  EXPECT_EQ(completed.total, 0);
  EXPECT_EQ(tx->tasks().list_tasks({TaskType::kCalling, 1, 20}).total, 3);
}

TEST_P(StoreContract, ListTasksByNamePagesTheMatchesNewestFirst) {
  const auto ids = add_named_tasks(store(), {"match 1", "other", "match 2", "match 3", "other",
                                             "other", "match 4", "match 5", "other"});
  const std::vector<TaskId> matches{ids[7], ids[6], ids[3], ids[2], ids[0]};
  auto tx = begin_read();
  const auto first = tx->tasks().list_tasks(name_query("MATCH", std::nullopt, 1, 2));
  EXPECT_EQ(task_ids(first.items), (std::vector<TaskId>{matches[0], matches[1]}));
  EXPECT_EQ(first.total, 5);
  const auto second = tx->tasks().list_tasks(name_query("MATCH", std::nullopt, 2, 2));
  EXPECT_EQ(task_ids(second.items), (std::vector<TaskId>{matches[2], matches[3]}));
  EXPECT_EQ(second.total, 5);
  const auto last = tx->tasks().list_tasks(name_query("MATCH", std::nullopt, 3, 2));
  EXPECT_EQ(task_ids(last.items), std::vector<TaskId>{matches[4]});
  EXPECT_EQ(last.total, 5);
  const auto past_the_end = tx->tasks().list_tasks(name_query("MATCH", std::nullopt, 4, 2));
  EXPECT_TRUE(past_the_end.items.empty());
  EXPECT_EQ(past_the_end.total, 5);
}

TEST_P(StoreContract, SetJobGroupStoresIt) {
  const TaskId id = add_task({});
  auto tx = begin_write();
  tx->tasks().set_job_group(id, "jg-7", at(5000));
  tx->commit();
  const auto stored = task(id);
  EXPECT_EQ(stored.job_group_id, "jg-7");
  EXPECT_EQ(stored.updated_at, at(5000));
}

TEST_P(StoreContract, TransitionMovesTheTaskAndWritesHistory) {
  const TaskId id = add_task({"100"});
  auto tx = begin_write();
  ASSERT_TRUE(
      tx->tasks().transition(id, TaskType::kCreated, TaskType::kCalling, "api_start", at(4000)));
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
