#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "app/transactions.hpp"

namespace dialtrack::app {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(ConflictBackoff, WaitsUpToTwoToTheAttemptMillisecondsCappedAt64) {
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const auto ceiling = milliseconds(std::min(1 << attempt, 64));
    microseconds longest{0};
    std::set<microseconds::rep> seen;
    for (int i = 0; i < 2000; ++i) {
      const auto wait = conflict_backoff(attempt);
      ASSERT_GE(wait.count(), 0) << "attempt " << attempt;
      ASSERT_LE(wait, ceiling) << "attempt " << attempt;
      longest = std::max(longest, wait);
      seen.insert(wait.count());
    }
    // Spread over the whole range (2,000 draws all in its lower half would be a broken draw),
    // and random: writers that collided must not all wait the same time.
    EXPECT_GT(longest, ceiling / 2) << "attempt " << attempt;
    EXPECT_GT(seen.size(), 100U) << "attempt " << attempt;
  }
}

}  // namespace
}  // namespace dialtrack::app
