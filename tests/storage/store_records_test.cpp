#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

store_api::RecordWrite detailed_write(const store_api::LeadMatch& lead) {
  auto write = record_write("c-1", lead, "NoAnswer", false, true);
  write.fields.job_group_id = "jg-1";
  write.fields.job_id = "job-1";
  write.fields.started_at = at(100);
  write.fields.ended_at = at(200);
  write.fields.duration = 0;
  write.fields.event_time = at(250);
  write.fields.extra_json = R"({"attempt":1})";
  return write;
}

TEST_P(StoreContract, UpsertInsertsANewRecordWithAllItsFields) {
  const TaskId id = add_task({"100"});
  const auto write = detailed_write(lead(id, "100"));
  auto tx = begin_write();
  tx->records().upsert_records({&write, 1}, at(5000));
  tx->commit();

  const std::vector<std::string> call_ids{"c-1"};
  const auto found = begin_read()->records().find_records(call_ids);
  ASSERT_EQ(found.size(), 1U);
  const auto& record = found[0].record;
  EXPECT_EQ(found[0].lead_id, write.lead_id);
  EXPECT_EQ(record.call_id, "c-1");
  EXPECT_EQ(record.task_id, id);
  EXPECT_EQ(record.phone, "100");
  EXPECT_EQ(record.fields, write.fields);
  EXPECT_FALSE(record.connected);
  EXPECT_EQ(record.created_at, at(5000));
  EXPECT_EQ(record.updated_at, at(5000));
}

TEST_P(StoreContract, UpsertOverwritesAKnownRecord) {
  const TaskId id = add_task({"100"});
  const auto first = detailed_write(lead(id, "100"));
  {
    auto tx = begin_write();
    tx->records().upsert_records({&first, 1}, at(5000));
    tx->commit();
  }
  auto second = record_write("c-1", lead(id, "100"), "Connected", true, false);
  second.fields.duration = 42;
  {
    auto tx = begin_write();
    tx->records().upsert_records({&second, 1}, at(6000));
    tx->commit();
  }
  const std::vector<std::string> call_ids{"c-1"};
  const auto found = begin_read()->records().find_records(call_ids);
  ASSERT_EQ(found.size(), 1U);
  const auto& record = found[0].record;
  EXPECT_EQ(record.fields, second.fields);  // the store writes what the domain decided
  EXPECT_TRUE(record.connected);
  EXPECT_EQ(record.created_at, at(5000));
  EXPECT_EQ(record.updated_at, at(6000));
  EXPECT_EQ(begin_read()->records().task_records(id, 1, 20).total, 1);
}

TEST_P(StoreContract, FindRecordsLeavesOutUnknownCallIds) {
  const TaskId id = add_task({"100"});
  const std::vector<store_api::RecordWrite> writes{
      record_write("c-1", lead(id, "100"), "Busy", false, true),
      record_write("c-2", lead(id, "100"), "Connected", true, true)};
  auto tx = begin_write();
  tx->records().upsert_records(writes, at(5000));
  tx->commit();

  const std::vector<std::string> call_ids{"c-9", "c-2", "c-1"};
  const auto found = begin_read()->records().find_records(call_ids);
  ASSERT_EQ(found.size(), 2U);
  for (const auto& stored : found) {
    EXPECT_EQ(stored.record.connected, stored.record.call_id == "c-2");
  }
  EXPECT_TRUE(begin_read()->records().find_records(std::vector<std::string>{"nope"}).empty());
}

TEST_P(StoreContract, TaskRecordsAreNewestFirstWithPagingAndTotal) {
  const TaskId id = add_task({"100", "200"});
  const TaskId other = add_task({"100"});
  for (int i = 1; i <= 5; ++i) {
    const auto write = record_write("c-" + std::to_string(i), lead(id, i % 2 ? "100" : "200"),
                                    "NoAnswer", false, true);
    auto tx = begin_write();
    tx->records().upsert_records({&write, 1}, at(5000 + i));
    tx->commit();
  }
  const auto elsewhere = record_write("x-1", lead(other, "100"), "NoAnswer", false, true);
  auto tx = begin_write();
  tx->records().upsert_records({&elsewhere, 1}, at(6000));
  tx->commit();

  auto read = begin_read();
  const auto first = read->records().task_records(id, 1, 2);
  ASSERT_EQ(first.items.size(), 2U);
  EXPECT_EQ(first.items[0].call_id, "c-5");
  EXPECT_EQ(first.items[1].call_id, "c-4");
  EXPECT_EQ(first.total, 5);

  const auto last = read->records().task_records(id, 3, 2);
  ASSERT_EQ(last.items.size(), 1U);
  EXPECT_EQ(last.items[0].call_id, "c-1");
  EXPECT_EQ(last.total, 5);

  const auto beyond = read->records().task_records(id, 4, 2);
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(beyond.total, 5);  // an empty page still says how many there are
  EXPECT_EQ(read->records().task_records(other, 1, 20).total, 1);
  read->commit();

  // The page and its total are one read: a single read (no BEGIN and COMMIT on PostgreSQL)
  // answers the same.
  auto single = store().begin(store_api::TxMode::kSingleRead);
  const auto again = single->records().task_records(id, 1, 2);
  ASSERT_EQ(again.items.size(), 2U);
  EXPECT_EQ(again.items[0].call_id, "c-5");
  EXPECT_EQ(again.items[1].call_id, "c-4");
  EXPECT_EQ(again.items[0].task_id, id);
  EXPECT_EQ(again.total, 5);
  single->commit();
}

TEST_P(StoreContract, ASingleReadOfAPageSeesItsTotalInTheSameSnapshot) {
  // A writer commits one record at a time while pages are read as a transaction's only read
  // (TxMode::kSingleRead): the whole task fits on the page, so every page must hold exactly as
  // many records as its total says. A page and a total read in two snapshots would differ
  // whenever a commit fell between them.
  const TaskId id = add_task({"100"});
  const auto match = lead(id, "100");
  constexpr int kRecords = 300;
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < kRecords; ++i) {
      const auto write = record_write("w-" + std::to_string(i), match, "NoAnswer", false, true);
      auto tx = begin_write();
      tx->records().upsert_records({&write, 1}, at(5000 + i));
      tx->commit();
    }
    done = true;
  });
  int reads = 0;
  int torn = 0;
  while (!done) {
    auto single = store().begin(store_api::TxMode::kSingleRead);
    const auto page = single->records().task_records(id, 1, kRecords);
    single->commit();
    ++reads;
    if (static_cast<std::int64_t>(page.items.size()) != page.total) {
      ++torn;
    }
  }
  writer.join();
  EXPECT_EQ(torn, 0) << "of " << reads << " pages";
  auto last = store().begin(store_api::TxMode::kSingleRead);
  EXPECT_EQ(last->records().task_records(id, 1, kRecords).total, kRecords);
}

TEST_P(StoreContract, AMissingTaskHasAnEmptyPageAndNoTotal) {
  const TaskId id = add_task({"100"});
  const auto write = record_write("c-1", lead(id, "100"), "NoAnswer", false, true);
  auto tx = begin_write();
  tx->records().upsert_records({&write, 1}, at(5000));
  tx->commit();
  const auto page = begin_read()->records().task_records(id + 1000, 1, 20);
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total, 0);
}

TEST_P(StoreContract, TaskWithoutRecordsHasAnEmptyPage) {
  const TaskId id = add_task({"100"});
  const auto page = begin_read()->records().task_records(id, 1, 20);
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total, 0);
}

TEST_P(StoreContract, UpdatingRecordsDoesNotChangeTheTotal) {
  const TaskId id = add_task({"100"});
  const std::vector<store_api::RecordWrite> inserts{
      record_write("c-1", lead(id, "100"), "NoAnswer", false, true),
      record_write("c-2", lead(id, "100"), "Busy", false, true)};
  const std::vector<store_api::RecordWrite> updates{
      record_write("c-1", lead(id, "100"), "Connected", true, false),
      record_write("c-2", lead(id, "100"), "NoAnswer", false, false)};
  auto tx = begin_write();
  tx->records().upsert_records(inserts, at(5000));
  tx->records().upsert_records(updates, at(5001));
  tx->commit();
  const auto page = begin_read()->records().task_records(id, 1, 20);
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 2U);
  EXPECT_EQ(page.items[0].call_id, "c-2");
  EXPECT_EQ(page.items[0].fields.call_status, "NoAnswer");
  EXPECT_EQ(page.items[1].fields.call_status, "Connected");
}

TEST_P(StoreContract, AWriteAnswersItsTasksAsItLeftThemInIdOrder) {
  // Four tasks: one whose lead connects, one that only gains a record, one whose stored record
  // is only overwritten (its counters do not move), and one the batch does not touch.
  const TaskId connects = add_task({"100", "200"});
  const TaskId gains = add_task({"300"});
  const TaskId overwritten = add_task({"400"});
  const TaskId untouched = add_task({"500"});
  for (const TaskId id : {connects, gains, overwritten, untouched}) {
    ASSERT_TRUE(move(id, TaskType::kCreated, TaskType::kCalling));
  }
  write_records({record_write("c-4", lead(overwritten, "400"), "NoAnswer", false, true)});
  const std::vector<store_api::RecordWrite> batch{
      record_write("c-4", lead(overwritten, "400"), "Busy", false, false),
      record_write("c-3", lead(gains, "300"), "NoAnswer", false, true),
      record_write("c-1", lead(connects, "100"), "Connected", true, true)};

  auto tx = begin_write();
  const auto answered = tx->records().upsert_and_settle(batch, at(5000));
  tx->commit();

  ASSERT_EQ(answered.size(), 3U);
  EXPECT_EQ(answered[0].task_id, connects);
  EXPECT_EQ(answered[1].task_id, gains);
  EXPECT_EQ(answered[2].task_id, overwritten);
  EXPECT_EQ(answered[0].connected_calls, 1);  // after this write, not before it
  EXPECT_EQ(answered[0].settled_calls, 1);
  for (const auto& got : answered) {
    const auto stored = task(got.task_id);  // committed, read afresh
    EXPECT_EQ(got.task_type, TaskType::kCalling) << got.task_id;
    EXPECT_EQ(got.total_calls, stored.total_calls) << got.task_id;
    EXPECT_EQ(got.connected_calls, stored.connected_calls) << got.task_id;
    EXPECT_EQ(got.settled_calls, stored.settled_calls) << got.task_id;
    EXPECT_EQ(got.unreachable_calls, stored.unreachable_calls) << got.task_id;
    EXPECT_TRUE(got.completion == stored.completion) << got.task_id;
    EXPECT_EQ(got.counters_say_complete(), stored.counters_say_complete()) << got.task_id;
  }
}

}  // namespace
}  // namespace dialtrack::store_test
