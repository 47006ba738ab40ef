// The campaign rules are written once, in domain (domain::lead_state and the policy form of
// domain::counters_say_complete); the backends apply them as SQL (storage/common/
// lead_state_sql.hpp, the completion statements). These tests hold each backend's SQL to the
// domain over every small combination of its inputs, and check the migration that keys the
// leads stored before phone keys.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "domain/completion.hpp"
#include "storage/common/migrations.hpp"
#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

using domain::CompletionUntil;
using domain::LeadState;

/// A calling task under `policy` with one lead, phone 13800000001.
std::pair<TaskId, LeadId> one_lead_task(store_api::Store& store,
                                        const domain::CompletionPolicy& policy) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const TaskId id = tx->tasks().insert_task({"rule", std::nullopt, policy, std::nullopt}, at(1000));
  EXPECT_EQ(tx->leads().insert_leads(id, leads({"13800000001"}), at(1000)), 1);
  EXPECT_TRUE(
      tx->tasks().transition(id, TaskType::kCreated, TaskType::kCalling, "started", at(1500)));
  const std::vector<std::pair<TaskId, std::string>> keys{{id, "13800000001"}};
  const auto found = tx->leads().find_leads(keys);
  tx->commit();
  return {id, found.at(0).lead_id};
}

TEST_P(StoreContract, SqlLeadStateAgreesWithTheDomainRule) {
  const std::vector<std::optional<std::int64_t>> limits{std::nullopt, 1, 2, 3};
  for (const auto& max_attempts : limits) {
    for (int connected = 0; connected <= 1; ++connected) {
      for (int attempts = 0; attempts <= 3; ++attempts) {
        for (int finals = 0; finals <= std::min(attempts, 2); ++finals) {
          domain::CompletionPolicy policy;
          policy.max_attempts = max_attempts;
          const auto [id, lead_id] = one_lead_task(store(), policy);
          // The lead's row as its records would have left it; a connected record's lead is
          // connected by the settling itself.
          execute_sql("UPDATE task_leads SET attempts = " + std::to_string(attempts) +
                      ", final_attempts = " + std::to_string(finals) +
                      " WHERE lead_id = " + std::to_string(lead_id));
          {
            auto tx = begin_write();
            const std::vector<LeadId> ids{lead_id};
            const std::vector<LeadId> none;
            tx->leads().settle_leads(ids, connected != 0 ? ids : none, at(2000));
            tx->commit();
          }
          const auto expected = domain::lead_state(connected != 0, finals, attempts, max_attempts);
          const auto page = begin_read()->leads().list_leads({id, {}, std::nullopt, 1, 10});
          ASSERT_EQ(page.items.size(), 1U);
          const auto where = "max_attempts " + std::to_string(max_attempts.value_or(0)) +
                             ", connected " + std::to_string(connected) + ", attempts " +
                             std::to_string(attempts) + ", final " + std::to_string(finals);
          EXPECT_EQ(page.items[0].state, expected) << where;
          const auto t = task(id);
          EXPECT_EQ(t.settled_calls, domain::is_settled(expected) ? 1 : 0) << where;
          EXPECT_EQ(t.unreachable_calls, expected == LeadState::kUnreachable ? 1 : 0) << where;
          // The state filter finds it in its state only, and the counters give the total.
          for (const auto state : {LeadState::kPending, LeadState::kConnected,
                                   LeadState::kUnreachable, LeadState::kExhausted}) {
            const auto in = begin_read()->leads().list_leads({id, {state}, std::nullopt, 1, 10});
            EXPECT_EQ(in.items.size(), state == expected ? 1U : 0U) << where;
            EXPECT_EQ(in.total, state == expected ? 1 : 0) << where;
          }
        }
      }
    }
  }
}

TEST_P(StoreContract, SqlCompletionAgreesWithTheDomainRuleUnderEachPolicy) {
  for (const auto until : {CompletionUntil::kAllConnected, CompletionUntil::kAllSettled}) {
    for (int total = 0; total <= 3; ++total) {
      for (int connected = 0; connected <= total; ++connected) {
        for (int settled = connected; settled <= total; ++settled) {
          domain::CompletionPolicy policy;
          policy.until = until;
          TaskId id = 0;
          {
            auto tx = begin_write();
            id = tx->tasks().insert_task({"rule", std::nullopt, policy, std::nullopt}, at(1000));
            tx->tasks().transition(id, TaskType::kCreated, TaskType::kCalling, "started", at(1));
            tx->commit();
          }
          execute_sql("UPDATE call_tasks SET total_calls = " + std::to_string(total) +
                      ", connected_calls = " + std::to_string(connected) + ", settled_calls = " +
                      std::to_string(settled) + " WHERE task_id = " + std::to_string(id));
          auto tx = begin_write();
          const std::vector<TaskId> ids{id};
          const bool completed =
              !tx->tasks().complete_where_counters_full(ids, "records_ingested", at(3000)).empty();
          tx->commit();
          const bool expected = domain::counters_say_complete(until, total, connected, settled);
          EXPECT_EQ(completed, expected) << domain::to_string(until) << " total " << total
                                         << ", connected " << connected << ", settled " << settled;
          if (completed) {
            const auto last = history(id).back();
            EXPECT_EQ(last.reason,
                      until == CompletionUntil::kAllSettled ? "all_settled" : "records_ingested");
            EXPECT_EQ(task(id).completion_reason, last.reason);
          }
        }
      }
    }
  }
}

TEST_P(StoreContract, ChangingThePolicyResettlesTheTaskFromItsRecords) {
  TaskId id = add_task({"100", "200", "300"});
  move(id, TaskType::kCreated, TaskType::kCalling);
  // 100 once Busy, 200 twice NoAnswer, 300 once EmptyNumber (dead by default).
  std::vector<store_api::RecordWrite> writes{
      record_write("r1", lead(id, "100"), "Busy", false, true),
      record_write("r2", lead(id, "200"), "NoAnswer", false, true),
      record_write("r3", lead(id, "200"), "NoAnswer", false, true),
      record_write("r4", lead(id, "300"), "EmptyNumber", false, true)};
  write_records(writes);
  domain::CompletionPolicy policy;
  policy.until = CompletionUntil::kAllSettled;
  policy.max_attempts = 2;
  policy.final_statuses = {"Busy"};
  {
    auto tx = begin_write();
    tx->tasks().set_completion(id, policy, at(5000));
    tx->leads().resettle_task(id, at(5000));
    tx->commit();
  }
  auto t = task(id);
  EXPECT_EQ(t.completion, policy);
  // 100 dead (Busy is final now), 200 exhausted (2 attempts), 300 pending (EmptyNumber no more).
  EXPECT_EQ(t.settled_calls, 2);
  EXPECT_EQ(t.unreachable_calls, 1);
  const auto page = begin_read()->leads().list_leads({id, {}, std::nullopt, 1, 10});
  ASSERT_EQ(page.items.size(), 3U);
  EXPECT_EQ(page.items[0].state, LeadState::kUnreachable);
  EXPECT_EQ(page.items[1].state, LeadState::kExhausted);
  EXPECT_EQ(page.items[2].state, LeadState::kPending);
  // The audit agrees with the counters it just set.
  const auto audits = begin_read()->tasks().audit_counters(id, 0, 1);
  ASSERT_EQ(audits.size(), 1U);
  EXPECT_FALSE(audits[0].counters_drifted());
}

TEST_P(StoreContract, MigrationKeysStoredLeadsAndKeepsTwoThatNowShareAKey) {
  auto database = another_database();
  database->migrate_through(6);
  // Schema 6: a task whose leads were written in two forms of one mobile number, and a
  // record of the second form.
  // Ids come from the tables' own sequences (the first task and leads are 1, 2, 3), so the
  // store's later inserts get the next ones.
  database->execute(
      "INSERT INTO call_tasks (name, task_type, total_calls, connected_calls, record_count, "
      "created_at, updated_at) VALUES ('old', 2, 3, 1, 1, 1, 1)");
  database->execute(
      "INSERT INTO task_leads (task_id, phone, created_at) VALUES (1, '13800138000', 1)");
  database->execute(
      "INSERT INTO task_leads (task_id, phone, created_at, connected_at, attempts) VALUES "
      "(1, '8613800138000', 1, 5, 1)");
  database->execute("INSERT INTO task_leads (task_id, phone, created_at) VALUES (1, '10086', 1)");
  database->execute(
      "INSERT INTO outbound_call_records (call_id, task_id, lead_id, phone, call_status, "
      "connected, created_at, updated_at) VALUES ('old-1', 1, 2, '8613800138000', 'Connected', "
      "true, 5, 5)");
  auto migrated = database->open();
  EXPECT_EQ(migrated->migrate(), static_cast<int>(storage::kSchemaVersions.size()));
  const auto page =
      migrated->begin(store_api::TxMode::kRead)->leads().list_leads({1, {}, std::nullopt, 1, 10});
  ASSERT_EQ(page.items.size(), 3U);
  EXPECT_EQ(page.items[0].lead.phone_key, "+8613800138000");
  EXPECT_EQ(page.items[1].lead.phone_key, "+8613800138000");
  EXPECT_EQ(page.items[2].lead.phone_key, "10086");
  EXPECT_EQ(page.items[1].state, LeadState::kConnected);
  EXPECT_EQ(page.items[0].state, LeadState::kPending);
  // Records find the earlier lead of the shared key; recount lists the shared one.
  auto tx = migrated->begin(store_api::TxMode::kRead);
  const std::vector<std::pair<TaskId, std::string>> keys{{1, "+8613800138000"}};
  const auto found = tx->leads().find_leads(keys);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].lead_id, 1);
  const auto audits = tx->tasks().audit_counters(1, 0, 1);
  ASSERT_EQ(audits.size(), 1U);
  EXPECT_EQ(audits[0].shared_keys, 1);
  EXPECT_EQ(audits[0].settled_calls, 1);
  EXPECT_FALSE(audits[0].counters_drifted());
  // A new lead in another form of the shared number is a duplicate; a new number is not.
  tx.reset();
  auto write = migrated->begin(store_api::TxMode::kWrite);
  std::vector<domain::Lead> more = leads({"+8613800138000", "13900139000"});
  more[0].phone_key = "+8613800138000";
  more[1].phone_key = "+8613900139000";
  EXPECT_EQ(write->leads().insert_leads(1, more, at(9000)), 1);
  write->commit();
}

}  // namespace
}  // namespace dialtrack::store_test
