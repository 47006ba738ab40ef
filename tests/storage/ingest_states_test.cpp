#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>

#include "app/ingest_service.hpp"
#include "app/recount_service.hpp"
#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

std::size_t rows_into(const std::vector<domain::Transition>& rows, TaskType to) {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const auto& row) { return row.to == to; }));
}

std::string millis_or_none(const std::optional<Timestamp>& at) {
  return at ? std::to_string(at->time_since_epoch().count()) : "none";
}

/// What ingestion keeps of a task, without its id: counters, each lead's state and attempts,
/// and the report's rows.
std::string kept_of(store_api::Transaction& tx, const domain::Task& task) {
  std::string out =
      fmt::format("records {} total {} connected {} settled {} unreachable {}\n",
                  tx.records().task_records(task.task_id, 1, 1).total, task.total_calls,
                  task.connected_calls, task.settled_calls, task.unreachable_calls);
  store_api::LeadQuery query;
  query.task_id = task.task_id;
  query.page_size = 100;
  for (const auto& lead : tx.leads().list_leads(query).items) {
    out += fmt::format("lead {} state {} attempts {} latest {} at {} connected {}\n",
                       lead.lead.phone, static_cast<int>(lead.state), lead.attempts,
                       lead.latest_status.value_or("none"), millis_or_none(lead.latest_at),
                       lead.connected_at.has_value());
  }
  const auto report = tx.reports().task_report(task.task_id);
  for (const auto& row : report.by_status) {
    out += fmt::format("status {} calls {} connected {} talk {} {} first {} last {}\n",
                       row.call_status, row.calls, row.connected_calls, row.talk_seconds,
                       row.talk_calls, millis_or_none(row.first_call_at),
                       millis_or_none(row.last_call_at));
  }
  for (const auto& row : report.by_latest) {
    out +=
        fmt::format("latest {} attempts {} phones {}\n", row.call_status, row.attempts, row.phones);
  }
  for (const auto& row : report.by_hour) {
    out += fmt::format("hour {} calls {} connected {}\n", row.hour.time_since_epoch().count(),
                       row.calls, row.connected_calls);
  }
  return out;
}

TEST_P(ServicesOnStore, FirstRecordStartsACreatedTask) {
  const auto created = create_task({"100", "200"});
  ASSERT_EQ(created.task_type, TaskType::kCreated);
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "NoAnswer")}).accepted, 1);
  ASSERT_EQ(ingest({record_input(0, "c-2", created.task_id, "200", "NoAnswer")}).accepted, 1);
  EXPECT_EQ(task(created.task_id).task_type, TaskType::kCalling);
  const auto rows = history(created.task_id);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].from, TaskType::kCreated);
  EXPECT_EQ(rows[1].to, TaskType::kCalling);
  EXPECT_EQ(rows[1].reason, "first_call_record");
}

TEST_P(ServicesOnStore, CompletesATaskExactlyOnceWhenItsLastLeadConnects) {
  const auto created = create_task({"100", "200"});
  const TaskId id = created.task_id;
  const auto first = ingest({record_input(0, "c-1", id, "100", "Connected")});
  EXPECT_TRUE(first.completed_tasks.empty());
  EXPECT_EQ(task(id).task_type, TaskType::kCalling);

  clock_.advance(1000);
  const auto last = ingest({record_input(0, "c-2", id, "200", "SucceededClientHangUp")});
  EXPECT_EQ(last.completed_tasks, std::vector<TaskId>{id});
  const auto done = task(id);
  EXPECT_EQ(done.task_type, TaskType::kCompleted);
  EXPECT_EQ(done.connected_calls, 2);
  EXPECT_EQ(done.completed_at, clock_.now());

  const auto retry = ingest({record_input(0, "c-3", id, "200", "Connected")});
  EXPECT_EQ(retry.accepted, 1);
  EXPECT_TRUE(retry.completed_tasks.empty());
  const auto rows = history(id);
  EXPECT_EQ(rows_into(rows, TaskType::kCompleted), 1U);
  EXPECT_EQ(rows.back().reason, "records_ingested");
}

TEST_P(ServicesOnStore, OneBatchCanStartAndCompleteATask) {
  const auto created = create_task({"100"});
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "SucceededFinish")});
  EXPECT_EQ(result.completed_tasks, std::vector<TaskId>{created.task_id});
  const auto rows = history(created.task_id);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1].reason, "first_call_record");
  EXPECT_EQ(rows[2].from, TaskType::kCalling);
  EXPECT_EQ(rows[2].to, TaskType::kCompleted);
}

TEST_P(ServicesOnStore, RetriesCountAPhoneOnce) {
  const auto created = create_task({"100", "200"});
  const TaskId id = created.task_id;
  const auto result = ingest({record_input(0, "c-1", id, "100", "NoAnswer"),
                              record_input(1, "c-2", id, "100", "Connected"),
                              record_input(2, "c-3", id, "100", "SucceededFinish")});
  EXPECT_EQ(result.accepted, 3);
  ASSERT_EQ(ingest({record_input(0, "c-4", id, "100", "Connected")}).accepted, 1);
  const auto stored = task(id);
  EXPECT_EQ(stored.connected_calls, 1);
  EXPECT_EQ(stored.task_type, TaskType::kCalling);
}

TEST_P(ServicesOnStore, RecordsOfADeletedTaskAreStoredButItNeverChanges) {
  const auto created = create_task({"100"});
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->remove(created.task_id)));
  const auto result = ingest({record_input(0, "c-1", created.task_id, "100", "Connected")});
  EXPECT_EQ(result.accepted, 1);
  EXPECT_TRUE(result.completed_tasks.empty());
  EXPECT_EQ(task(created.task_id).task_type, TaskType::kDeleted);
  EXPECT_TRUE(stored_record("c-1").has_value());
}

// The store settles a batch's leads with one write of each lead row: a lead with several records
// in one batch (connected and not, final statuses that come and go with updates) ends as the same
// records pushed one at a time leave it, and recount finds nothing to fix.
TEST_P(ServicesOnStore, OneBatchSettlesItsLeadsAsSeparatePushesDo) {
  struct Push {
    const char* call_id;
    const char* phone;
    const char* status;
    std::int64_t event_time;
  };
  const std::vector<Push> pushes{
      {"c-1", "100", "NoAnswer", 1000},      {"c-2", "100", "EmptyNumber", 2000},
      {"c-1", "100", "Busy", 3000},          {"c-3", "100", "Connected", 4000},
      {"c-4", "200", "NotExist", 1000},      {"c-4", "200", "NoAnswer", 2000},
      {"c-5", "300", "NotExist", 1000},      {"c-6", "300", "NoAnswer", 2000},
      {"c-7", "400", "Connected", 5000},     {"c-7", "400", "NoAnswer", 6000},
      {"c-8", "400", "SucceededFinish", 500}};
  const auto batched = create_task({"100", "200", "300", "400", "500"});
  const auto one_by_one = create_task({"100", "200", "300", "400", "500"});
  std::vector<app::RecordInput> batch;
  for (std::size_t i = 0; i < pushes.size(); ++i) {
    const auto& p = pushes[i];
    batch.push_back(record_input(i, std::string("a-") + p.call_id, batched.task_id, p.phone,
                                 p.status, p.event_time));
    const auto alone = ingest({record_input(0, std::string("b-") + p.call_id, one_by_one.task_id,
                                            p.phone, p.status, p.event_time)});
    ASSERT_TRUE(alone.rejected.empty());
  }
  const auto result = ingest(batch);
  EXPECT_EQ(result.accepted, 8);
  EXPECT_TRUE(result.rejected.empty());

  auto tx = begin_read();
  const auto kept = kept_of(*tx, task(batched.task_id));
  EXPECT_EQ(kept, kept_of(*tx, task(one_by_one.task_id)));
  EXPECT_NE(kept.find("records 8 total 5 connected 2 settled 3 unreachable 1\n"), std::string::npos)
      << kept;
  EXPECT_NE(kept.find("lead 200 state 0 attempts 1 latest NoAnswer"), std::string::npos) << kept;
  EXPECT_NE(kept.find("lead 300 state 2 attempts 2 latest NoAnswer"), std::string::npos) << kept;

  app::RecountService recount(store(), clock_, *completion_, log_);
  EXPECT_TRUE(recount.recount(std::nullopt, false).drifted.empty());
}

// Writers that push at once share a group commit (SQLite: each a savepoint of one transaction):
// records of one lead from several requests, connected and not, with final statuses, and
// members rolled back between them (their savepoints undone from the journal), end as the kept
// records pushed one at a time leave them, and recount finds nothing to fix.
TEST_P(ServicesOnStore, PushesThatShareAGroupCommitSettleTheirLeadsAsOneByOne) {
  constexpr int kWriters = 4;
  constexpr int kPerLead = 8;
  const std::vector<std::string> phones{"100", "200", "300", "400", "500"};
  const std::vector<const char*> statuses{"NoAnswer",  "EmptyNumber", "Busy",
                                          "Connected", "NotExist",    "SucceededFinish"};
  const auto together = create_task({"100", "200", "300", "400", "500"});
  const auto one_by_one = create_task({"100", "200", "300", "400", "500"});
  struct Push {
    std::string call_id;
    std::string phone;
    const char* status;
    std::int64_t event_time;
  };
  std::vector<Push> pushes;
  for (int k = 0; k < kPerLead; ++k) {
    for (std::size_t lead = 0; lead < phones.size() - 1; ++lead) {  // lead 500 gets none
      const auto n = static_cast<std::size_t>(k) * phones.size() + lead;
      pushes.push_back({"c-" + std::to_string(n), phones[lead],
                        statuses[(n + lead) % statuses.size()],
                        1000 + static_cast<std::int64_t>(n) * 100});
    }
  }
  std::latch start(kWriters);
  std::vector<std::thread> writers;
  std::vector<int> failures(kWriters, 0);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      start.arrive_and_wait();
      for (std::size_t i = static_cast<std::size_t>(w); i < pushes.size(); i += kWriters) {
        const auto& p = pushes[i];
        // A member that fails after writing its records: its savepoint is rolled back.
        try {
          ingest_->ingest({record_input(0, "x" + p.call_id, together.task_id, p.phone,
                                        "SucceededFinish", p.event_time + 50)},
                          {}, [](store_api::Transaction&) {
                            throw std::runtime_error("the member fails after its writes");
                          });
          ++failures[static_cast<std::size_t>(w)];
        } catch (const std::runtime_error&) {
        }
        try {
          const auto kept = ingest_->ingest(
              {record_input(0, "a" + p.call_id, together.task_id, p.phone, p.status, p.event_time)},
              {});
          failures[static_cast<std::size_t>(w)] += kept.accepted == 1 ? 0 : 1;
        } catch (...) {
          ++failures[static_cast<std::size_t>(w)];
        }
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  EXPECT_EQ(failures, std::vector<int>(kWriters, 0));
  for (const auto& p : pushes) {
    ASSERT_EQ(ingest({record_input(0, "b" + p.call_id, one_by_one.task_id, p.phone, p.status,
                                   p.event_time)})
                  .accepted,
              1);
  }

  auto tx = begin_read();
  const auto kept = kept_of(*tx, task(together.task_id));
  EXPECT_EQ(kept, kept_of(*tx, task(one_by_one.task_id)));
  EXPECT_NE(kept.find("records 32 total 5"), std::string::npos) << kept;
  EXPECT_NE(kept.find("lead 500 state 0 attempts 0 latest none"), std::string::npos) << kept;

  app::RecountService recount(store(), clock_, *completion_, log_);
  EXPECT_TRUE(recount.recount(std::nullopt, false).drifted.empty());
}

}  // namespace
}  // namespace dialtrack::store_test
