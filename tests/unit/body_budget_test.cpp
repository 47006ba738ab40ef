#include "http/body_budget.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace dialtrack::http {
namespace {

TEST(BodyBudget, ReservationsShareTheLimitAndGiveBackWhatTheyHeld) {
  BodyBudget budget(100);
  auto first = budget.reserve();
  EXPECT_TRUE(first.grow_to(60));
  auto second = budget.reserve();
  EXPECT_FALSE(second.grow_to(41));  // 60 + 41 > 100: refused, nothing taken
  EXPECT_EQ(second.bytes(), 0u);
  EXPECT_TRUE(second.grow_to(40));
  EXPECT_EQ(budget.in_use(), 100u);
  {
    const auto gone = std::move(first);
    EXPECT_EQ(budget.in_use(), 100u);  // moved, not released
  }
  EXPECT_EQ(budget.in_use(), 40u);
}

TEST(BodyBudget, GrowingTakesOnlyTheDifferenceAndNeverShrinks) {
  BodyBudget budget(100);
  auto body = budget.reserve();
  EXPECT_TRUE(body.grow_to(30));
  EXPECT_TRUE(body.grow_to(90));
  EXPECT_TRUE(body.grow_to(50));
  EXPECT_EQ(body.bytes(), 90u);
  EXPECT_EQ(budget.in_use(), 90u);
  EXPECT_FALSE(body.grow_to(101));  // past the whole budget, even alone
  EXPECT_EQ(budget.in_use(), 90u);
}

TEST(BodyBudget, AHugeRequestDoesNotWrapAround) {
  BodyBudget budget(100);
  auto body = budget.reserve();
  EXPECT_TRUE(body.grow_to(10));
  EXPECT_FALSE(body.grow_to(static_cast<std::size_t>(-1)));
  EXPECT_EQ(budget.in_use(), 10u);
}

}  // namespace
}  // namespace dialtrack::http
