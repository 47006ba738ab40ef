#include <gtest/gtest.h>

#include "app/ingest_service.hpp"
#include "services_on_store.hpp"

namespace dialtrack::store_test {
namespace {

using app::RejectReason;

TEST_P(ServicesOnStore, RejectionsAreListedInIndexOrder) {
  const auto created = create_task({"100"}, "jg-1");
  std::vector<app::Rejection> decoded{{5, "c-5", RejectReason::kInvalidField, std::nullopt},
                                      {1, "c-1", RejectReason::kInvalidField, std::nullopt}};
  auto by_unknown_group = record_input(4, "c-4", std::nullopt, "100", "Busy");
  by_unknown_group.fields.job_group_id = "jg-unknown";
  const auto result =
      ingest_->ingest({record_input(0, "c-0", 9999, "100", "Busy"),
                       record_input(2, "c-2", created.task_id, "555", "Busy"),
                       record_input(3, "c-3", created.task_id, "100", "Busy"), by_unknown_group},
                      decoded);
  EXPECT_EQ(result.accepted, 1);
  ASSERT_EQ(result.rejected.size(), 5U);
  const std::vector<std::size_t> expected_order{0, 1, 2, 4, 5};
  const std::vector<RejectReason> expected_reasons{
      RejectReason::kTaskNotFound, RejectReason::kInvalidField, RejectReason::kLeadNotFound,
      RejectReason::kLeadNotFound, RejectReason::kInvalidField};
  for (std::size_t i = 0; i < expected_order.size(); ++i) {
    EXPECT_EQ(result.rejected[i].index, expected_order[i]) << i;
    EXPECT_EQ(result.rejected[i].call_id, "c-" + std::to_string(expected_order[i])) << i;
    EXPECT_EQ(result.rejected[i].reason, expected_reasons[i]) << i;
  }
  EXPECT_EQ(stored_record("c-0"), std::nullopt);
  EXPECT_TRUE(stored_record("c-3").has_value());
}

TEST_P(ServicesOnStore, JobGroupFindsTheNewestTaskWithThePhone) {
  const auto older = create_task({"100", "200"}, "jg-1");
  const auto newer = create_task({"100"}, "jg-1");
  auto first = record_input(0, "c-1", std::nullopt, "100", "Busy");
  first.fields.job_group_id = "jg-1";
  auto second = record_input(1, "c-2", std::nullopt, "200", "Busy");
  second.fields.job_group_id = "jg-1";
  const auto result = ingest({first, second});
  EXPECT_EQ(result.accepted, 2);
  EXPECT_TRUE(result.rejected.empty());
  EXPECT_EQ(stored_record("c-1")->task_id, newer.task_id);
  EXPECT_EQ(stored_record("c-2")->task_id, older.task_id);
}

TEST_P(ServicesOnStore, JobGroupSkipsADeletedTask) {
  const auto older = create_task({"100"}, "jg-1");
  const auto newer = create_task({"100"}, "jg-1");
  ASSERT_TRUE(std::holds_alternative<domain::Task>(tasks_->remove(newer.task_id)));
  auto record = record_input(0, "c-1", std::nullopt, "100", "Busy");
  record.fields.job_group_id = "jg-1";
  ASSERT_EQ(ingest({record}).accepted, 1);
  EXPECT_EQ(stored_record("c-1")->task_id, older.task_id);
}

TEST_P(ServicesOnStore, CallIdMovedToAnotherPhoneIsRejected) {
  const auto created = create_task({"100", "200"});
  ASSERT_EQ(ingest({record_input(0, "c-1", created.task_id, "100", "Busy", 10)}).accepted, 1);
  const auto result = ingest({record_input(0, "c-1", created.task_id, "200", "Connected", 20)});
  ASSERT_EQ(result.rejected.size(), 1U);
  EXPECT_EQ(result.rejected[0].index, 0U);
  EXPECT_EQ(result.rejected[0].reason, RejectReason::kCallIdMoved);
  EXPECT_EQ(result.accepted + result.updated + result.unchanged + result.stale, 0);
  EXPECT_EQ(stored_record("c-1")->phone, "100");
  EXPECT_EQ(task(created.task_id).connected_calls, 0);
}

TEST_P(ServicesOnStore, CallIdMovedToAnotherTaskIsRejected) {
  const auto first = create_task({"100"});
  const auto second = create_task({"100"});
  ASSERT_EQ(ingest({record_input(0, "c-1", first.task_id, "100", "Busy", 10)}).accepted, 1);
  const auto result = ingest({record_input(0, "c-1", second.task_id, "100", "Connected", 20)});
  ASSERT_EQ(result.rejected.size(), 1U);
  EXPECT_EQ(result.rejected[0].reason, RejectReason::kCallIdMoved);
  EXPECT_EQ(stored_record("c-1")->task_id, first.task_id);
  EXPECT_EQ(task(second.task_id).connected_calls, 0);
}

}  // namespace
}  // namespace dialtrack::store_test
