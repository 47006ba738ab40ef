#include <gtest/gtest.h>

#include <numeric>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

using Keys = std::vector<std::pair<TaskId, std::string>>;
using GroupKeys = std::vector<std::pair<std::string, std::string>>;

std::int64_t total_increment(const std::vector<store_api::ConnectedIncrement>& increments) {
  return std::accumulate(increments.begin(), increments.end(), std::int64_t{0},
                         [](std::int64_t sum, const auto& i) { return sum + i.newly_connected; });
}

TEST_P(StoreContract, InsertLeadsAddsEachPhoneOnceAndRaisesTotalCalls) {
  const TaskId id = add_task({});
  auto tx = begin_write();
  EXPECT_EQ(tx->leads().insert_leads(id, leads({"100", "200", "100"}), at(2000)), 2);
  EXPECT_EQ(tx->leads().insert_leads(id, leads({"200", "300"}), at(2000)), 1);
  EXPECT_EQ(tx->leads().insert_leads(id, leads({"100", "300"}), at(2000)), 0);
  tx->commit();
  EXPECT_EQ(task(id).total_calls, 3);
  EXPECT_EQ(task(id).connected_calls, 0);
}

TEST_P(StoreContract, InsertingNoLeadsAddsNothing) {
  const TaskId id = add_task({"100"});
  auto tx = begin_write();
  EXPECT_EQ(tx->leads().insert_leads(id, {}, at(2000)), 0);
  tx->commit();
  EXPECT_EQ(task(id).total_calls, 1);
}

TEST_P(StoreContract, SamePhoneMayBeALeadOfTwoTasks) {
  const TaskId first = add_task({"100"});
  const TaskId second = add_task({"100"});
  EXPECT_EQ(task(first).total_calls, 1);
  EXPECT_EQ(task(second).total_calls, 1);
  EXPECT_NE(lead(first, "100").lead_id, lead(second, "100").lead_id);
}

TEST_P(StoreContract, FindLeadsReturnsOnlyThePairsThatExist) {
  const TaskId first = add_task({"100", "200"});
  const TaskId second = add_task({"100"});
  const Keys keys{{first, "100"}, {first, "999"}, {second, "100"}, {second, "200"}, {777, "100"}};
  const auto found = begin_read()->leads().find_leads(keys);
  ASSERT_EQ(found.size(), 2U);
  for (const auto& match : found) {
    EXPECT_EQ(match.phone_key, "100");
    EXPECT_FALSE(match.connected);
    EXPECT_GT(match.lead_id, 0);
  }
  EXPECT_NE(found[0].task_id, found[1].task_id);
  EXPECT_NE(found[0].lead_id, found[1].lead_id);
}

TEST_P(StoreContract, FindLeadsReportsConnectedLeads) {
  const TaskId id = add_task({"100", "200"});
  ASSERT_EQ(connect(id, {"200"}), 1);
  EXPECT_FALSE(lead(id, "100").connected);
  EXPECT_TRUE(lead(id, "200").connected);
}

TEST_P(StoreContract, FindLeadsByJobGroupPrefersTheNewestTask) {
  const TaskId older = add_task({"100", "200"}, "jg-1");
  const TaskId newer = add_task({"100"}, "jg-1");
  const GroupKeys keys{{"jg-1", "100"}, {"jg-1", "200"}};
  const auto found = begin_read()->leads().find_leads_by_job_group(keys);
  ASSERT_EQ(found.size(), 2U);
  for (const auto& match : found) {
    EXPECT_EQ(match.job_group_id, "jg-1");
    if (match.lead.phone_key == "100") {
      EXPECT_EQ(match.lead.task_id, newer);
      EXPECT_EQ(match.lead.lead_id, lead(newer, "100").lead_id);
    } else {
      EXPECT_EQ(match.lead.phone_key, "200");
      EXPECT_EQ(match.lead.task_id, older);  // the newer task has no such phone
    }
  }
}

TEST_P(StoreContract, FindLeadsByJobGroupSkipsADeletedNewerTask) {
  const TaskId older = add_task({"100"}, "jg-1");
  const TaskId newer = add_task({"100"}, "jg-1");
  ASSERT_TRUE(move(newer, TaskType::kCreated, TaskType::kDeleted));
  const GroupKeys keys{{"jg-1", "100"}};
  const auto found = begin_read()->leads().find_leads_by_job_group(keys);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].lead.task_id, older);
}

TEST_P(StoreContract, FindLeadsByJobGroupLeavesOutUnknownGroupsAndPhones) {
  add_task({"100"}, "jg-1");
  add_task({"200"});
  const GroupKeys keys{{"jg-2", "100"}, {"jg-1", "200"}, {"", "200"}};
  EXPECT_TRUE(begin_read()->leads().find_leads_by_job_group(keys).empty());
}

TEST_P(StoreContract, MarkLeadsConnectedCountsEachLeadOnce) {
  const TaskId id = add_task({"100", "200", "300"});
  EXPECT_EQ(connect(id, {"100", "200"}), 2);
  EXPECT_EQ(task(id).connected_calls, 2);

  EXPECT_EQ(connect(id, {"100", "200"}), 0);
  EXPECT_EQ(task(id).connected_calls, 2);

  EXPECT_EQ(connect(id, {"200", "300"}), 1);
  EXPECT_EQ(task(id).connected_calls, 3);
}

TEST_P(StoreContract, MarkLeadsConnectedReportsIncrementsPerTask) {
  const TaskId first = add_task({"100", "200"});
  const TaskId second = add_task({"100"});
  const std::vector<LeadId> ids{lead(first, "100").lead_id, lead(first, "200").lead_id,
                                lead(second, "100").lead_id};
  auto tx = begin_write();
  const auto increments = tx->leads().mark_leads_connected(ids, at(3000));
  tx->commit();
  ASSERT_EQ(increments.size(), 2U);
  for (const auto& increment : increments) {
    EXPECT_EQ(increment.newly_connected, increment.task_id == first ? 2 : 1);
  }
  EXPECT_EQ(total_increment(increments), 3);
  EXPECT_EQ(task(first).connected_calls, 2);
  EXPECT_EQ(task(second).connected_calls, 1);
}

TEST_P(StoreContract, MarkingALeadTwiceInOneCallCountsItOnce) {
  const TaskId id = add_task({"100", "200"});
  const LeadId lead_id = lead(id, "100").lead_id;
  const std::vector<LeadId> ids{lead_id, lead_id};
  auto tx = begin_write();
  EXPECT_EQ(total_increment(tx->leads().mark_leads_connected(ids, at(3000))), 1);
  tx->commit();
  EXPECT_EQ(task(id).connected_calls, 1);
}

}  // namespace
}  // namespace dialtrack::store_test
