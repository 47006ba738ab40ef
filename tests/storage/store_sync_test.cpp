// The store's part of pulling from dialers: sync cursors per account and job group, the last
// sync per task, and the job groups the periodic puller walks.
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

/// Commits one advance_sync_cursor and returns what it returned.
bool advance(store_api::Store& store, std::string_view account, std::string_view group,
             std::optional<std::string> expected, std::string_view next, std::int64_t now = 1000) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const bool moved = tx->cursors().advance_sync_cursor(account, group, expected, next, at(now));
  tx->commit();
  return moved;
}

std::optional<store_api::SyncCursor> cursor(store_api::Store& store, std::string_view account,
                                            std::string_view group) {
  auto tx = store.begin(store_api::TxMode::kRead);
  return tx->cursors().find_sync_cursor(account, group);
}

std::optional<store_api::TaskSyncState> sync_of(store_api::Store& store, TaskId task_id) {
  auto tx = store.begin(store_api::TxMode::kRead);
  return tx->cursors().task_sync(task_id);
}

std::int64_t record(store_api::Store& store, std::string_view group,
                    const store_api::TaskSyncState& state) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const auto n = tx->cursors().record_sync(group, state);
  tx->commit();
  return n;
}

TEST_P(StoreContract, SchemaReachesTheDialerSyncVersion) {
  EXPECT_GE(store().migrate(), 5);
}

TEST_P(StoreContract, MigrationMissingBelowTheHighestVersionIsStillApplied) {
  // Versions written on separate branches arrive out of order: a database at version 5 may
  // miss an earlier one. Version 3 (webhooks) stands in for it here, with version 8, which
  // numbers the events of 3's table.
  const int version = store().migrate();
  execute_sql(
      "DROP TABLE webhook_deliveries; DROP TABLE outbox_events; DROP TABLE webhooks; "
      "DELETE FROM schema_migrations WHERE version IN (3, 8)");
  reopen();
  EXPECT_EQ(store().migrate(), version);
  auto tx = begin_write();
  const std::vector<std::string> events{"task.completed"};
  EXPECT_GT(
      tx->outbox().insert_webhook("http://127.0.0.1:9/hook", "secret", events, at(1000)).webhook_id,
      0);
  tx->commit();
}

TEST_P(StoreContract, JobGroupHasNoCursorUntilItsFirstPage) {
  EXPECT_FALSE(cursor(store(), "alibaba:i1", "g1"));
}

TEST_P(StoreContract, FirstAdvanceCreatesTheCursor) {
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g1", std::nullopt, "page=1", 1500));
  const auto c = cursor(store(), "alibaba:i1", "g1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cursor, "page=1");
  EXPECT_EQ(c->updated_at, at(1500));
}

TEST_P(StoreContract, AdvanceFromTheExpectedCursorMovesIt) {
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g1", std::nullopt, "page=1"));
  EXPECT_TRUE(advance(store(), "alibaba:i1", "g1", "page=1", "page=2", 2000));
  const auto c = cursor(store(), "alibaba:i1", "g1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cursor, "page=2");
  EXPECT_EQ(c->updated_at, at(2000));
}

TEST_P(StoreContract, AdvanceFromAnOutdatedCursorIsRefused) {
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g1", std::nullopt, "page=1"));
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g1", "page=1", "page=2"));
  EXPECT_FALSE(advance(store(), "alibaba:i1", "g1", "page=1", "page=9"));
  EXPECT_FALSE(advance(store(), "alibaba:i1", "g1", std::nullopt, "page=9"));
  EXPECT_EQ(cursor(store(), "alibaba:i1", "g1")->cursor, "page=2");
}

TEST_P(StoreContract, CursorsArePerAccountAndJobGroup) {
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g1", std::nullopt, "a"));
  ASSERT_TRUE(advance(store(), "alibaba:i2", "g1", std::nullopt, "b"));
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g2", std::nullopt, "c"));
  EXPECT_EQ(cursor(store(), "alibaba:i1", "g1")->cursor, "a");
  EXPECT_EQ(cursor(store(), "alibaba:i2", "g1")->cursor, "b");
  EXPECT_EQ(cursor(store(), "alibaba:i1", "g2")->cursor, "c");
}

TEST_P(StoreContract, CursorAdvanceOfARolledBackTransactionIsNotKept) {
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g1", std::nullopt, "page=1"));
  {
    auto tx = begin_write();
    ASSERT_TRUE(
        tx->cursors().advance_sync_cursor("alibaba:i1", "g1", "page=1", "page=2", at(2000)));
  }
  EXPECT_EQ(cursor(store(), "alibaba:i1", "g1")->cursor, "page=1");
}

TEST_P(StoreContract, CursorSurvivesReopening) {
  ASSERT_TRUE(advance(store(), "alibaba:i1", "g1", std::nullopt, "page=7"));
  reopen();
  EXPECT_EQ(cursor(store(), "alibaba:i1", "g1")->cursor, "page=7");
}

TEST_P(StoreContract, TaskWithoutSyncHasNoSyncState) {
  const auto id = add_task({"13900000001"}, "g1");
  EXPECT_FALSE(sync_of(store(), id));
}

TEST_P(StoreContract, RecordSyncWritesEveryLiveTaskOfTheJobGroup) {
  const auto a = add_task({"13900000001"}, "g1");
  const auto b = add_task({"13900000002"}, "g1");
  const auto deleted = add_task({"13900000003"}, "g1");
  const auto other = add_task({"13900000004"}, "g2");
  ASSERT_TRUE(move(deleted, TaskType::kCreated, TaskType::kDeleted));
  EXPECT_EQ(record(store(), "g1", {at(5000), std::nullopt, 42}), 2);
  for (const auto id : {a, b}) {
    const auto s = sync_of(store(), id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->last_sync_at, at(5000));
    EXPECT_FALSE(s->last_sync_error);
    EXPECT_EQ(s->last_sync_records, 42);
  }
  EXPECT_FALSE(sync_of(store(), deleted));
  EXPECT_FALSE(sync_of(store(), other));
}

TEST_P(StoreContract, LaterSyncOverwritesTheLastOne) {
  const auto id = add_task({"13900000001"}, "g1");
  record(store(), "g1", {at(5000), std::string("network: refused"), 0});
  EXPECT_EQ(sync_of(store(), id)->last_sync_error, std::optional<std::string>("network: refused"));
  record(store(), "g1", {at(6000), std::nullopt, 3});
  const auto s = sync_of(store(), id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->last_sync_at, at(6000));
  EXPECT_FALSE(s->last_sync_error);
  EXPECT_EQ(s->last_sync_records, 3);
}

TEST_P(StoreContract, CallingJobGroupsAreDistinctInByteOrderAndPaged) {
  const auto b1 = add_task({"13900000001"}, "group-b");
  const auto b2 = add_task({"13900000002"}, "group-b");
  const auto a = add_task({"13900000003"}, "group-a");
  const auto c = add_task({"13900000004"}, "group-c");
  const auto created = add_task({"13900000005"}, "group-created");
  const auto none = add_task({"13900000006"});
  for (const auto id : {b1, b2, a, c, none}) {
    ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  }
  (void)created;
  auto tx = begin_read();
  EXPECT_EQ(tx->cursors().calling_job_groups("", 10),
            (std::vector<std::string>{"group-a", "group-b", "group-c"}));
  EXPECT_EQ(tx->cursors().calling_job_groups("", 2),
            (std::vector<std::string>{"group-a", "group-b"}));
  EXPECT_EQ(tx->cursors().calling_job_groups("group-b", 10), (std::vector<std::string>{"group-c"}));
}

}  // namespace
}  // namespace dialtrack::store_test
