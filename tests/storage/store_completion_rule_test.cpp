// The completion rule is written once, in domain (domain::counters_say_complete); the backends
// apply it as a conditional SQL statement. These tests hold the SQL of each backend to the
// domain's rule over every small combination of counters, and hold the outbox payloads each
// backend stores to the bytes domain::status_event_payload builds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/events.hpp"
#include "domain/task_rules.hpp"
#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

/// A calling task with `total` leads of which `connected` are connected.
TaskId calling_task(store_api::Store& store, int total, int connected) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const TaskId id = tx->tasks().insert_task("rule", std::nullopt, at(1000));
  std::vector<domain::Lead> leads;
  std::vector<std::pair<TaskId, std::string>> keys;
  for (int i = 0; i < total; ++i) {
    domain::Lead lead;
    lead.phone = "1380000" + std::to_string(1000 + i);
    keys.emplace_back(id, lead.phone);
    leads.push_back(std::move(lead));
  }
  EXPECT_EQ(tx->leads().insert_leads(id, leads, at(1000)), total);
  EXPECT_TRUE(
      tx->tasks().transition(id, TaskType::kCreated, TaskType::kCalling, "started", at(1500)));
  std::vector<LeadId> to_connect;
  for (const auto& match : tx->leads().find_leads(keys)) {
    if (static_cast<int>(to_connect.size()) < connected) {
      to_connect.push_back(match.lead_id);
    }
  }
  tx->leads().mark_leads_connected(to_connect, at(2000));
  tx->commit();
  return id;
}

TEST_P(StoreContract, SqlCompletionAgreesWithTheDomainRuleOneTaskAtATime) {
  for (int total = 0; total <= 3; ++total) {
    for (int connected = 0; connected <= total; ++connected) {
      const TaskId id = calling_task(store(), total, connected);
      const auto before = task(id);
      ASSERT_EQ(before.total_calls, total);
      ASSERT_EQ(before.connected_calls, connected);
      auto tx = begin_write();
      const bool completed = tx->tasks().complete_if_counters_full(id, "rule", at(3000));
      tx->commit();
      EXPECT_EQ(completed, domain::counters_say_complete(total, connected))
          << "total " << total << ", connected " << connected;
      EXPECT_EQ(task(id).task_type == TaskType::kCompleted, completed);
    }
  }
}

TEST_P(StoreContract, SqlCompletionAgreesWithTheDomainRuleForABatch) {
  std::vector<TaskId> ids;
  std::vector<TaskId> expected;
  for (int total = 0; total <= 3; ++total) {
    for (int connected = 0; connected <= total; ++connected) {
      const TaskId id = calling_task(store(), total, connected);
      ids.push_back(id);
      if (domain::counters_say_complete(total, connected)) {
        expected.push_back(id);
      }
    }
  }
  auto tx = begin_write();
  const auto completed = tx->tasks().complete_where_counters_full(ids, "rule", at(3000));
  tx->commit();
  EXPECT_EQ(completed, expected);
}

TEST_P(StoreContract, OutboxPayloadsAreTheBytesTheDomainBuilds) {
  {
    auto tx = begin_write();
    const std::vector<std::string> events{"task.status_changed", "task.completed"};
    tx->outbox().insert_webhook("http://receiver.example/hook", "s", events, at(500));
    tx->commit();
  }
  const TaskId id = calling_task(store(), 1, 1);
  {
    auto tx = begin_write();
    ASSERT_TRUE(tx->tasks().complete_if_counters_full(id, "records_ingested", at(4321)));
    tx->commit();
  }
  auto tx = begin_write();
  const auto due = tx->outbox().claim_deliveries("test", at(10'000), std::chrono::seconds(30), 10);
  tx->commit();
  // 1 -> 2 (status_changed), 2 -> 3 (status_changed and completed).
  ASSERT_EQ(due.size(), 3U);
  for (const auto& delivery : due) {
    const bool starting = delivery.payload.find("\"to\":2") != std::string::npos;
    const auto from = starting ? TaskType::kCreated : TaskType::kCalling;
    const auto to = starting ? TaskType::kCalling : TaskType::kCompleted;
    const auto reason = starting ? "started" : "records_ingested";
    const auto when = starting ? at(1500) : at(4321);
    EXPECT_EQ(delivery.payload, domain::status_event_payload(delivery.event_id, delivery.event_type,
                                                             id, from, to, reason, when));
    EXPECT_EQ(delivery.event_id.size(), 32U);
  }
}

}  // namespace
}  // namespace dialtrack::store_test
