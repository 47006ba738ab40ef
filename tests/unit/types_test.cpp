#include "domain/types.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace dialtrack::domain {
namespace {

TEST(TaskTypeFromInt, MapsOneToFourToTheStates) {
  EXPECT_EQ(task_type_from_int(1), TaskType::kCreated);
  EXPECT_EQ(task_type_from_int(2), TaskType::kCalling);
  EXPECT_EQ(task_type_from_int(3), TaskType::kCompleted);
  EXPECT_EQ(task_type_from_int(4), TaskType::kDeleted);
}

TEST(TaskTypeFromInt, RejectsEverythingElse) {
  EXPECT_EQ(task_type_from_int(0), std::nullopt);
  EXPECT_EQ(task_type_from_int(5), std::nullopt);
  EXPECT_EQ(task_type_from_int(-1), std::nullopt);
  EXPECT_EQ(task_type_from_int(std::numeric_limits<std::int64_t>::max()), std::nullopt);
  EXPECT_EQ(task_type_from_int(std::numeric_limits<std::int64_t>::min()), std::nullopt);
  // Only the low bits of 2^32 + 1 would look like a valid state.
  EXPECT_EQ(task_type_from_int((std::int64_t{1} << 32) + 1), std::nullopt);
}

TEST(TaskTypeFromInt, RoundTripsTheStoredInteger) {
  for (std::int64_t value = 1; value <= 4; ++value) {
    const auto type = task_type_from_int(value);
    ASSERT_TRUE(type.has_value()) << value;
    EXPECT_EQ(static_cast<std::int64_t>(*type), value);
  }
}

}  // namespace
}  // namespace dialtrack::domain
