// The webhook retry schedule: the longest wait doubles per failed attempt from the initial
// delay up to the cap (the wait itself is drawn below it, "full jitter").
#include <gtest/gtest.h>

#include "notify/dispatcher.hpp"

namespace dialtrack::notify {
namespace {

using std::chrono::milliseconds;

TEST(RetryCeiling, FirstRetryWaitsAtMostTheInitialDelay) {
  EXPECT_EQ(retry_ceiling(1, milliseconds{1000}, milliseconds{300'000}), milliseconds{1000});
}

TEST(RetryCeiling, DoublesPerAttempt) {
  EXPECT_EQ(retry_ceiling(2, milliseconds{1000}, milliseconds{300'000}), milliseconds{2000});
  EXPECT_EQ(retry_ceiling(3, milliseconds{1000}, milliseconds{300'000}), milliseconds{4000});
  EXPECT_EQ(retry_ceiling(6, milliseconds{1000}, milliseconds{300'000}), milliseconds{32'000});
}

TEST(RetryCeiling, StopsAtTheCap) {
  EXPECT_EQ(retry_ceiling(9, milliseconds{1000}, milliseconds{300'000}), milliseconds{256'000});
  EXPECT_EQ(retry_ceiling(10, milliseconds{1000}, milliseconds{300'000}), milliseconds{300'000});
  EXPECT_EQ(retry_ceiling(1000, milliseconds{1000}, milliseconds{300'000}), milliseconds{300'000});
}

TEST(RetryCeiling, InitialAboveTheCapIsCapped) {
  EXPECT_EQ(retry_ceiling(1, milliseconds{5000}, milliseconds{2000}), milliseconds{2000});
}

}  // namespace
}  // namespace dialtrack::notify
