// The live stream's part of the store contract (`GET /events`): outbox events numbered in the
// order they are written, read after a number (a resume) or for some tasks (the hub's rounds),
// and numbers never used again, even once pruning emptied the outbox.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "storage/common/migrations.hpp"
#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

std::vector<std::string> describe(const std::vector<store_api::StoredEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    out.push_back(std::to_string(e.task_id) + " " + e.event_type);
  }
  return out;
}

std::vector<std::int64_t> numbers(const std::vector<store_api::StoredEvent>& events) {
  std::vector<std::int64_t> out;
  for (const auto& e : events) {
    out.push_back(e.seq);
  }
  return out;
}

TEST_P(StoreContract, EventsAreNumberedInWriteOrderAndReadAfterANumber) {
  EXPECT_EQ(begin_read()->outbox().event_seq_range(), (std::pair<std::int64_t, std::int64_t>{}));
  const TaskId a = add_task({"100"});
  const TaskId b = add_task({"200"});
  ASSERT_TRUE(move(a, TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(b, TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(a, TaskType::kCalling, TaskType::kCompleted));

  const auto all = begin_read()->outbox().events_after(0, 100);
  const std::vector<std::string> expected{
      std::to_string(a) + " task.status_changed", std::to_string(b) + " task.status_changed",
      std::to_string(a) + " task.status_changed", std::to_string(a) + " task.completed"};
  ASSERT_EQ(describe(all), expected);
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GT(all[i].seq, all[i - 1].seq);
  }
  EXPECT_NE(all[2].payload.find(R"("from":2,"to":3)"), std::string::npos) << all[2].payload;
  EXPECT_EQ(begin_read()->outbox().event_seq_range(), (std::pair{all.back().seq, all.front().seq}));

  // After a number; at most `limit`.
  EXPECT_EQ(numbers(begin_read()->outbox().events_after(all[1].seq, 100)),
            (std::vector{all[2].seq, all[3].seq}));
  EXPECT_EQ(numbers(begin_read()->outbox().events_after(0, 2)),
            (std::vector{all[0].seq, all[1].seq}));
  EXPECT_TRUE(begin_read()->outbox().events_after(all.back().seq, 100).empty());

  // Some tasks' events only, still in number order.
  const std::vector<TaskId> only_a{a};
  EXPECT_EQ(numbers(begin_read()->outbox().task_events_after(only_a, 0, 100)),
            (std::vector{all[0].seq, all[2].seq, all[3].seq}));
  EXPECT_EQ(numbers(begin_read()->outbox().task_events_after(only_a, all[0].seq, 1)),
            (std::vector{all[2].seq}));
  const std::vector<TaskId> both{b, a};
  EXPECT_EQ(numbers(begin_read()->outbox().task_events_after(both, 0, 100)), numbers(all));
  const std::vector<TaskId> none;
  EXPECT_TRUE(begin_read()->outbox().task_events_after(none, 0, 100).empty());
}

TEST_P(StoreContract, EventNumbersAreNotUsedAgainAfterThePruneEmptiedTheOutbox) {
  const TaskId a = add_task({"100"});
  ASSERT_TRUE(move(a, TaskType::kCreated, TaskType::kCalling));
  ASSERT_TRUE(move(a, TaskType::kCalling, TaskType::kCompleted));
  const auto before = begin_read()->outbox().event_seq_range().first;
  {
    auto tx = begin_write();
    EXPECT_EQ(tx->outbox().prune_outbox(at(std::numeric_limits<std::int32_t>::max()), 100), 3);
    tx->commit();
  }
  EXPECT_EQ(begin_read()->outbox().event_seq_range(), (std::pair<std::int64_t, std::int64_t>{}));
  ASSERT_TRUE(move(a, TaskType::kCompleted, TaskType::kDeleted));
  const auto after = begin_read()->outbox().events_after(0, 100);
  ASSERT_EQ(after.size(), 1U);
  EXPECT_GT(after.front().seq, before) << "a client that saw " << before << " must get it";
}

TEST_P(StoreContract, TheMigrationNumbersTheEventsStoredBeforeIt) {
  auto old = another_database();
  old->migrate_through(static_cast<int>(storage::kSchemaVersions.size()) - 1);
  old->execute(
      "INSERT INTO outbox_events (event_id, task_id, event_type, payload, created_at) VALUES "
      "('e1', 5, 'task.status_changed', '{}', 1000), ('e2', 6, 'task.status_changed', '{}', 900), "
      "('e3', 5, 'task.completed', '{}', 1100)");
  const auto migrated = old->open();
  EXPECT_EQ(migrated->migrate(), static_cast<int>(storage::kSchemaVersions.size()));
  const auto events = migrated->begin(store_api::TxMode::kRead)->outbox().events_after(0, 100);
  const std::vector<std::string> expected{"5 task.status_changed", "6 task.status_changed",
                                          "5 task.completed"};
  EXPECT_EQ(describe(events), expected);
  const auto numbered = numbers(events);
  EXPECT_TRUE(std::is_sorted(numbered.begin(), numbered.end()));
  EXPECT_EQ(std::adjacent_find(numbered.begin(), numbered.end()), numbered.end());
}

}  // namespace
}  // namespace dialtrack::store_test
