// Completion policies (SPEC §6): an `all_settled` task completes when its last lead is
// connected, dead or out of attempts, and not one record before; final statuses are per task
// and a correction can un-settle a lead; `all_connected` keeps the seed's rule; changing the
// policy with PUT recomputes the task at once; finishing a task by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "campaign_steps.hpp"
#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

const std::vector<std::string> kDefaultFinalStatuses = {"ContactBlockList", "EmptyNumber",
                                                        "HighRiskSipCode",  "NotExist",
                                                        "OutOfService",     "OutOfServiceNoCall"};

std::vector<std::string> strings_of(const boost::json::value& value) {
  std::vector<std::string> out;
  for (const auto& item : value.as_array()) {
    out.emplace_back(item.as_string());
  }
  return out;
}

class CompletionPolicyTest : public ServerTest {
 protected:
  struct Campaign {
    std::int64_t id = 0;
    std::vector<std::string> phones;
  };

  /// An `all_settled` task with max_attempts 3 whose first lead is connected, second dead and
  /// third on its second unanswered attempt, pushed one record at a time: none of them
  /// completes it.
  Campaign all_but_one_settled() {
    Campaign c{0, make_phones(3)};
    c.id = create_campaign(http(), leads_of(c.phones), completion_policy("all_settled", 3));
    const std::vector<boost::json::object> records = {
        call_record_at("last-a1", c.id, c.phones[0], "Connected", 0),
        call_record_at("last-b1", c.id, c.phones[1], "NotExist", 10),
        call_record_at("last-c1", c.id, c.phones[2], "NoAnswer", 20),
        call_record_at("last-c2", c.id, c.phones[2], "NoAnswer", 30)};
    for (const auto& record : records) {
      SCOPED_TRACE(boost::json::serialize(record));
      const auto counts = push(http(), {record});
      EXPECT_EQ(counts.accepted, 1);
      EXPECT_TRUE(counts.completed_tasks.empty());
      EXPECT_EQ(int_field(get_task(http(), c.id), "task_type"), 2);
    }
    const auto task = get_task(http(), c.id);
    EXPECT_EQ(int_field(task, "settled_calls"), 2);
    EXPECT_EQ(int_field(task, "connected_calls"), 1);
    EXPECT_EQ(check_task(http(), c.id).message(), "任务未完成，已接通 1/3");
    return c;
  }

  /// The push completed the task: it is 3 with every lead settled, one 2 -> 3 row with reason
  /// `all_settled`, and the check answers `zh` (and `en` in English).
  void expect_settled_completion(const Campaign& c, const IngestCounts& counts,
                                 std::int64_t connected, std::string_view zh, std::string_view en) {
    EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{c.id});
    const auto task = get_task(http(), c.id);
    EXPECT_EQ(int_field(task, "task_type"), 3);
    EXPECT_EQ(int_field(task, "settled_calls"), 3);
    EXPECT_EQ(int_field(task, "connected_calls"), connected);
    EXPECT_TRUE(is_rfc3339_utc(string_field(task, "completed_at")));
    const auto rows = history(http(), c.id);
    EXPECT_EQ(count_transitions(rows, 2, 3), 1u);
    EXPECT_EQ(last_reason_into(http(), c.id, 3), "all_settled");
    const auto check = check_task(http(), c.id);
    EXPECT_EQ(check.message(), zh);
    EXPECT_TRUE(bool_field(check.data_object(), "is_completed"));
    EXPECT_EQ(int_field(check.data_object(), "settled_calls"), 3);
    EXPECT_EQ(http().get("/check_task_completion/" + std::to_string(c.id), english()).message(),
              en);
  }
};

TEST_F(CompletionPolicyTest, AllSettledCompletesWhenTheLastPendingLeadConnects) {
  const auto c = all_but_one_settled();
  const auto counts = push(http(), {call_record_at("last-c3", c.id, c.phones[2], "Connected", 40)});
  expect_settled_completion(c, counts, 2, "任务已完成，已接通 2/3，其余号码已无法接通",
                            "Task completed: 2/3 connected, the other numbers are unreachable");
}

TEST_F(CompletionPolicyTest, AllSettledCompletesWhenTheLastPendingLeadTurnsOutDead) {
  const auto c = all_but_one_settled();
  const auto counts = push(http(), {call_record_at("last-c3", c.id, c.phones[2], "NotExist", 40)});
  expect_settled_completion(c, counts, 1, "任务已完成，已接通 1/3，其余号码已无法接通",
                            "Task completed: 1/3 connected, the other numbers are unreachable");
}

TEST_F(CompletionPolicyTest, AllSettledCompletesWhenTheLastPendingLeadUsesItsLastAttempt) {
  const auto c = all_but_one_settled();
  const auto counts = push(http(), {call_record_at("last-c3", c.id, c.phones[2], "NoAnswer", 40)});
  expect_settled_completion(c, counts, 1, "任务已完成，已接通 1/3，其余号码已无法接通",
                            "Task completed: 1/3 connected, the other numbers are unreachable");
  const auto lead = get_lead(http(), c.id, c.phones[2]);
  ASSERT_EQ(lead.status, 200u) << lead.describe();
  EXPECT_EQ(string_field(lead.data_object(), "state"), "exhausted");
  EXPECT_EQ(int_field(lead.data_object(), "attempts"), 3);
}

TEST_F(CompletionPolicyTest, AllSettledWithEveryLeadConnectedSaysAllConnected) {
  const auto phones = make_phones(2);
  const Campaign c{create_campaign(http(), leads_of(phones), completion_policy("all_settled")),
                   phones};
  auto counts = push(http(), {call_record_at("every-1", c.id, phones[0], "Connected", 0)});
  EXPECT_TRUE(counts.completed_tasks.empty());
  counts = push(http(), {call_record_at("every-2", c.id, phones[1], "SucceededFinish", 10)});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{c.id});
  EXPECT_EQ(last_reason_into(http(), c.id, 3), "all_settled");
  EXPECT_EQ(check_task(http(), c.id).message(), "任务已完成，所有通话都已接通");
}

TEST_F(CompletionPolicyTest, FinalStatusesArePerTask) {
  const auto phones = make_phones(1);
  // Busy means a dead number in this task only; the list comes back sorted, once each.
  const auto busy_is_dead =
      create_campaign(http(), leads_of(phones),
                      completion_policy("all_settled", std::nullopt,
                                        std::vector<std::string>{"PoweredOff", "Busy", "Busy"}),
                      "busy is dead");
  const auto by_default = create_campaign(
      http(), leads_of(phones), completion_policy("all_settled"), "default final statuses");
  const auto custom = get_task(http(), busy_is_dead).at("completion").as_object();
  EXPECT_EQ(strings_of(custom.at("final_statuses")),
            (std::vector<std::string>{"Busy", "PoweredOff"}));
  EXPECT_TRUE(custom.at("max_attempts").is_null());
  EXPECT_EQ(strings_of(get_task(http(), by_default).at("completion").at("final_statuses")),
            kDefaultFinalStatuses);

  // Each task's status that is not final there settles nothing.
  auto counts = push(http(), {call_record_at("per-task-1", busy_is_dead, phones[0], "NotExist", 0),
                              call_record_at("per-task-2", by_default, phones[0], "Busy", 0)});
  EXPECT_EQ(counts.accepted, 2);
  EXPECT_TRUE(counts.completed_tasks.empty());
  for (const auto id : {busy_is_dead, by_default}) {
    const auto task = get_task(http(), id);
    EXPECT_EQ(int_field(task, "settled_calls"), 0) << id;
    EXPECT_EQ(int_field(task, "task_type"), 2) << id;
  }

  counts = push(http(), {call_record_at("per-task-3", busy_is_dead, phones[0], "Busy", 10),
                         call_record_at("per-task-4", by_default, phones[0], "NotExist", 10)});
  std::sort(counts.completed_tasks.begin(), counts.completed_tasks.end());
  EXPECT_EQ(counts.completed_tasks, (std::vector<std::int64_t>{busy_is_dead, by_default}));
  for (const auto id : {busy_is_dead, by_default}) {
    EXPECT_EQ(
        string_field(list_leads(http(), id).data_object().at("items").at(0).as_object(), "state"),
        "unreachable")
        << id;
  }
}

TEST_F(CompletionPolicyTest, CorrectingADeadRecordToANonFinalStatusUnsettlesTheLead) {
  const auto phones = make_phones(2);
  const auto id = create_campaign(http(), leads_of(phones), completion_policy("all_settled"));
  push(http(), {call_record_at("fix-1", id, phones[0], "NotExist", 0)});
  EXPECT_EQ(int_field(get_task(http(), id), "settled_calls"), 1);
  EXPECT_EQ(string_field(get_lead(http(), id, phones[0]).data_object(), "state"), "unreachable");

  // The dialer corrects the same call: it was not a dead number after all.
  auto counts = push(http(), {call_record_at("fix-1", id, phones[0], "NoAnswer", 10)});
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(int_field(get_task(http(), id), "settled_calls"), 0);
  EXPECT_EQ(string_field(get_lead(http(), id, phones[0]).data_object(), "state"), "pending");
  EXPECT_EQ(all_leads(http(), id, "unreachable").total, 0);

  // So the other lead dying no longer completes the task ...
  counts = push(http(), {call_record_at("fix-2", id, phones[1], "NotExist", 20)});
  EXPECT_TRUE(counts.completed_tasks.empty());
  EXPECT_EQ(int_field(get_task(http(), id), "task_type"), 2);
  EXPECT_EQ(int_field(get_task(http(), id), "settled_calls"), 1);
  // ... until a later correction makes the first one dead again.
  counts = push(http(), {call_record_at("fix-1", id, phones[0], "OutOfService", 30)});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{id});
}

TEST_F(CompletionPolicyTest, AllConnectedKeepsTheSeedRuleWhileSettledCallsCountsDeadLeads) {
  const auto phones = make_phones(3);
  // Every lead settles (out of attempts, dead, connected), but the task waits for connections.
  const auto id = create_campaign(http(), leads_of(phones), completion_policy("all_connected", 1));
  auto counts = push(http(), {call_record_at("seed-1", id, phones[0], "NoAnswer", 0),
                              call_record_at("seed-2", id, phones[1], "NotExist", 0),
                              call_record_at("seed-3", id, phones[2], "Connected", 0)});
  EXPECT_TRUE(counts.completed_tasks.empty());
  auto task = get_task(http(), id);
  EXPECT_EQ(int_field(task, "task_type"), 2);
  EXPECT_EQ(int_field(task, "settled_calls"), 3);
  EXPECT_EQ(int_field(task, "connected_calls"), 1);
  auto check = check_task(http(), id);
  EXPECT_EQ(check.message(), "任务未完成，已接通 1/3");
  EXPECT_FALSE(bool_field(check.data_object(), "is_completed"));
  EXPECT_EQ(int_field(check.data_object(), "settled_calls"), 3);

  counts = push(http(), {call_record_at("seed-4", id, phones[0], "Connected", 10),
                         call_record_at("seed-5", id, phones[1], "Connected", 10)});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{id});
  task = get_task(http(), id);
  EXPECT_EQ(int_field(task, "settled_calls"), 3);
  EXPECT_EQ(int_field(task, "connected_calls"), 3);
  EXPECT_EQ(last_reason_into(http(), id, 3), "records_ingested");
  EXPECT_EQ(check_task(http(), id).message(), "任务已完成，所有通话都已接通");
}

TEST_F(CompletionPolicyTest, ATaskCreatedWithoutAPolicyWaitsForEveryConnection) {
  const auto id = create_task(http(), make_phones(1));
  const auto completion = get_task(http(), id).at("completion").as_object();
  EXPECT_EQ(string_field(completion, "until"), "all_connected");
  EXPECT_TRUE(completion.at("max_attempts").is_null());
  EXPECT_EQ(strings_of(completion.at("final_statuses")), kDefaultFinalStatuses);
  EXPECT_TRUE(get_task(http(), id).at("parent_task_id").is_null());
  const auto counts = push(http(), {call_record_at("none-1", id, "13900000000", "NotExist", 0)});
  EXPECT_TRUE(counts.completed_tasks.empty());
  EXPECT_EQ(int_field(get_task(http(), id), "settled_calls"), 1);
  EXPECT_EQ(int_field(get_task(http(), id), "task_type"), 2);
}

TEST_F(CompletionPolicyTest, PuttingAllSettledOnACallingTaskWithDeadLeadsCompletesItAtOnce) {
  const auto phones = make_phones(2);
  const auto id = create_task(http(), phones);
  push(http(), {call_record_at("put-1", id, phones[0], "NotExist", 0),
                call_record_at("put-2", id, phones[1], "EmptyNumber", 0)});
  ASSERT_EQ(int_field(get_task(http(), id), "task_type"), 2);

  const auto response = put_completion(http(), id, completion_policy("all_settled"));
  ASSERT_EQ(response.status, 200u) << response.describe();
  const auto& task = response.data_object();
  EXPECT_EQ(int_field(task, "task_type"), 3);
  EXPECT_EQ(string_field(task.at("completion").as_object(), "until"), "all_settled");
  EXPECT_EQ(int_field(task, "settled_calls"), 2);
  EXPECT_EQ(int_field(get_task(http(), id), "task_type"), 3);
  const auto rows = history(http(), id);
  EXPECT_EQ(count_transitions(rows, 2, 3), 1u);
  EXPECT_EQ(last_reason_into(http(), id, 3), "all_settled");
  EXPECT_EQ(check_task(http(), id).message(), "任务已完成，已接通 0/2，其余号码已无法接通");
}

TEST_F(CompletionPolicyTest, PuttingAPolicyRecomputesTheTasksLeads) {
  const auto phones = make_phones(3);
  const auto id = create_task(http(), phones);
  push(http(), {call_record_at("re-1", id, phones[0], "NoAnswer", 0),
                call_record_at("re-2", id, phones[0], "NoAnswer", 10),
                call_record_at("re-3", id, phones[1], "NotExist", 0),
                call_record_at("re-4", id, phones[2], "Busy", 0)});
  EXPECT_EQ(int_field(get_task(http(), id), "settled_calls"), 1);

  // Busy becomes the only final status: the second lead comes alive, the third dies.
  auto response = put_completion(
      http(), id,
      completion_policy("all_connected", std::nullopt, std::vector<std::string>{"Busy"}));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "settled_calls"), 1);
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 2);
  auto states = all_leads(http(), id).items;
  ASSERT_EQ(states.size(), 3u);
  EXPECT_EQ(string_field(states[1], "state"), "pending");
  EXPECT_EQ(string_field(states[2], "state"), "unreachable");

  // all_settled with the default statuses: the first lead (two attempts, no limit) still waits.
  response = put_completion(http(), id, completion_policy("all_settled"));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "settled_calls"), 1);
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 2);

  // Two attempts are all a lead gets, and Busy is dead too: every lead is settled now.
  response = put_completion(
      http(), id,
      completion_policy("all_settled", 2, std::vector<std::string>{"Busy", "NotExist"}));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "settled_calls"), 3);
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 3);
  states = all_leads(http(), id).items;
  ASSERT_EQ(states.size(), 3u);
  EXPECT_EQ(string_field(states[0], "state"), "exhausted");
  EXPECT_EQ(string_field(states[1], "state"), "unreachable");
  EXPECT_EQ(string_field(states[2], "state"), "unreachable");
  EXPECT_EQ(count_transitions(history(http(), id), 2, 3), 1u);
}

TEST_F(CompletionPolicyTest, PuttingAPolicyOnACreatedTaskLeavesItCreated) {
  const auto id = create_task(http(), make_phones(2));
  const auto response = put_completion(http(), id, completion_policy("all_settled", 5));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 1);
  const auto completion = get_task(http(), id).at("completion").as_object();
  EXPECT_EQ(string_field(completion, "until"), "all_settled");
  EXPECT_EQ(int_field(completion, "max_attempts"), 5);
}

TEST_F(CompletionPolicyTest, PutOnACompletedOrDeletedTaskIs409AndOnAnUnknownTaskIs404) {
  const auto completed = create_task(http(), {"13900000001"});
  push(http(), {call_record("locked-1", completed, "13900000001", "Connected")});
  auto response = put_completion(http(), completed, completion_policy("all_settled"));
  ASSERT_TRUE(is_error(response, 409)) << response.describe();
  EXPECT_EQ(response.message(), "任务已完成，不能修改完成策略");
  EXPECT_EQ(string_field(get_task(http(), completed).at("completion").as_object(), "until"),
            "all_connected");

  const auto finished = create_task(http(), {"13900000001"});
  ASSERT_EQ(finish_task(http(), finished).status, 200u);
  EXPECT_TRUE(is_error(put_completion(http(), finished, completion_policy("all_settled")), 409));

  const auto deleted = create_task(http(), {"13900000001"});
  ASSERT_EQ(delete_task(http(), deleted).status, 200u);
  response = put_completion(http(), deleted, completion_policy("all_settled"));
  EXPECT_TRUE(is_error(response, 409)) << response.describe();
  EXPECT_EQ(string_field(get_task(http(), deleted).at("completion").as_object(), "until"),
            "all_connected");

  response = put_completion(http(), 987654, completion_policy("all_settled"));
  EXPECT_TRUE(is_error(response, 404)) << response.describe();
}

TEST_F(CompletionPolicyTest, BadPolicyBodiesAre400NamingTheField) {
  const auto id = create_task(http(), make_phones(1));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({})", "until"},
      {R"({"until": null})", "until"},
      {R"({"until": "sometimes"})", "until"},
      {R"({"until": 5})", "until"},
      {R"({"until": "all_settled", "max_attempts": 0})", "max_attempts"},
      {R"({"until": "all_settled", "max_attempts": 1001})", "max_attempts"},
      {R"({"until": "all_settled", "max_attempts": "3"})", "max_attempts"},
      {R"({"until": "all_settled", "max_attempts": 2.5})", "max_attempts"},
      {R"({"until": "all_settled", "final_statuses": "NotExist"})", "final_statuses"},
      {R"({"until": "all_settled", "final_statuses": ["NotExist", "not a status"]})",
       "final_statuses[1]"},
      {R"({"until": "all_settled", "final_statuses": ["NotExist", 7]})", "final_statuses[1]"},
  };
  for (const auto& [body, field] : cases) {
    const auto response =
        http().request("PUT", "/tasks/" + std::to_string(id) + "/completion", body);
    EXPECT_TRUE(is_field_error(response, field)) << body << " -> " << response.describe();
  }
  // None of them changed the policy; the limits themselves are accepted.
  EXPECT_EQ(string_field(get_task(http(), id).at("completion").as_object(), "until"),
            "all_connected");
  for (const std::int64_t limit : {1, 1000}) {
    const auto response = put_completion(http(), id, completion_policy("all_settled", limit));
    ASSERT_EQ(response.status, 200u) << response.describe();
    EXPECT_EQ(int_field(response.data_object().at("completion").as_object(), "max_attempts"),
              limit);
  }
}

TEST_F(CompletionPolicyTest, BadPoliciesInATaskCreationAre400NamingTheFieldAndCreateNothing) {
  const auto tasks_before = int_field(http().get("/tasks").data_object(), "total");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"name": "p", "completion": "all_settled"})", "completion"},
      {R"({"name": "p", "completion": {}})", "completion.until"},
      {R"({"name": "p", "completion": {"until": "never"}})", "completion.until"},
      {R"({"name": "p", "completion": {"until": "all_settled", "max_attempts": 0}})",
       "completion.max_attempts"},
      {R"({"name": "p", "completion": {"until": "all_settled", "final_statuses": ["Busy", "a b"]}})",
       "completion.final_statuses[1]"},
  };
  for (const auto& [body, field] : cases) {
    const auto response = http().post_text("/tasks", body);
    EXPECT_TRUE(is_field_error(response, field)) << body << " -> " << response.describe();
  }
  EXPECT_EQ(int_field(http().get("/tasks").data_object(), "total"), tasks_before);
}

TEST_F(CompletionPolicyTest, FinishEndsACreatedTask) {
  const auto id = create_task(http(), make_phones(2));
  const auto response = finish_task(http(), id);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 3);
  EXPECT_TRUE(is_rfc3339_utc(string_field(response.data_object(), "completed_at")));
  EXPECT_EQ(count_transitions(history(http(), id), 1, 3), 1u);
  EXPECT_EQ(last_reason_into(http(), id, 3), "manual_finish");
  const auto check = check_task(http(), id);
  EXPECT_EQ(check.message(), "任务已手动结束，已接通 0/2");
  EXPECT_TRUE(bool_field(check.data_object(), "is_completed"));
  EXPECT_EQ(http().get("/check_task_completion/" + std::to_string(id), english()).message(),
            "Task finished by hand: 0/2 connected");
}

TEST_F(CompletionPolicyTest, FinishEndsACallingTaskOnceAndIsIdempotent) {
  const auto phones = make_phones(2);
  const auto id = create_campaign(http(), leads_of(phones), completion_policy("all_settled"));
  push(http(), {call_record_at("fin-1", id, phones[0], "Connected", 0)});
  ASSERT_EQ(int_field(get_task(http(), id), "task_type"), 2);

  auto response = finish_task(http(), id);
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 3);
  const auto completed_at = string_field(response.data_object(), "completed_at");
  EXPECT_EQ(check_task(http(), id).message(), "任务已手动结束，已接通 1/2");
  const auto rows = history(http(), id);
  EXPECT_EQ(count_transitions(rows, 2, 3), 1u);
  EXPECT_EQ(last_reason_into(http(), id, 3), "manual_finish");

  response = finish_task(http(), id, english());
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "task_type"), 3);
  EXPECT_EQ(string_field(response.data_object(), "completed_at"), completed_at);
  EXPECT_EQ(history(http(), id).size(), rows.size());
  EXPECT_EQ(http().get("/check_task_completion/" + std::to_string(id), english()).message(),
            "Task finished by hand: 1/2 connected");
}

TEST_F(CompletionPolicyTest, FinishOnADeletedTaskIs409AndOnAnUnknownTaskIs404) {
  const auto id = create_task(http(), make_phones(1));
  ASSERT_EQ(delete_task(http(), id).status, 200u);
  EXPECT_TRUE(is_error(finish_task(http(), id), 409));
  EXPECT_EQ(int_field(get_task(http(), id), "task_type"), 4);
  EXPECT_EQ(last_reason_into(http(), id, 3), "");

  const auto response = finish_task(http(), 987654);
  ASSERT_TRUE(is_error(response, 404)) << response.describe();
  EXPECT_EQ(response.message(), "任务不存在");
}

TEST_F(CompletionPolicyTest, AddingLeadsToAFinishedTaskReopensIt) {
  const auto phones = make_phones(3);
  const auto id = create_task(http(), {phones[0], phones[1]});
  ASSERT_EQ(finish_task(http(), id).status, 200u);

  const auto response = add_leads(http(), id, leads_of({phones[2]}));
  ASSERT_EQ(response.status, 200u) << response.describe();
  EXPECT_EQ(int_field(response.data_object(), "added"), 1);
  auto task = get_task(http(), id);
  EXPECT_EQ(int_field(task, "task_type"), 2);
  EXPECT_TRUE(task.at("completed_at").is_null());
  EXPECT_EQ(count_transitions(history(http(), id), 3, 2), 1u);
  EXPECT_EQ(last_reason_into(http(), id, 2), "leads_added");
  EXPECT_EQ(check_task(http(), id).message(), "任务未完成，已接通 0/3");

  // Completed again by its policy, it no longer reads as finished by hand.
  const auto counts = push(http(), {call_record_at("reopen-1", id, phones[0], "Connected", 0),
                                    call_record_at("reopen-2", id, phones[1], "Connected", 0),
                                    call_record_at("reopen-3", id, phones[2], "Connected", 0)});
  EXPECT_EQ(counts.completed_tasks, std::vector<std::int64_t>{id});
  EXPECT_EQ(last_reason_into(http(), id, 3), "records_ingested");
  EXPECT_EQ(check_task(http(), id).message(), "任务已完成，所有通话都已接通");
}

}  // namespace
}  // namespace dialtrack::test
