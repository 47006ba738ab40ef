#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace dialtrack::store_test {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kTtl{5000};

/// Commits one acquire_lease and returns what it returned. Times are explicit: no test waits.
bool acquire(store_api::Store& store, std::string_view holder, std::int64_t now_millis,
             std::string_view name = "sweep") {
  auto tx = store.begin(store_api::TxMode::kWrite);
  const bool acquired = tx->leases().acquire_lease(name, holder, at(now_millis), kTtl);
  tx->commit();
  return acquired;
}

void release(store_api::Store& store, std::string_view holder) {
  auto tx = store.begin(store_api::TxMode::kWrite);
  tx->leases().release_lease("sweep", holder);
  tx->commit();
}

TEST_P(StoreContract, FreeLeaseIsAcquired) {
  EXPECT_TRUE(acquire(store(), "instance-a", 1000));
}

TEST_P(StoreContract, SecondHolderIsRefusedWhileTheLeaseIsValid) {
  ASSERT_TRUE(acquire(store(), "instance-a", 1000));  // valid until 6000
  EXPECT_FALSE(acquire(store(), "instance-b", 1001));
  EXPECT_FALSE(acquire(store(), "instance-b", 5999));
}

TEST_P(StoreContract, SameHolderRenewsItsLease) {
  ASSERT_TRUE(acquire(store(), "instance-a", 1000));  // valid until 6000
  EXPECT_TRUE(acquire(store(), "instance-a", 4000));  // renewed until 9000
  EXPECT_FALSE(acquire(store(), "instance-b", 8000));
  EXPECT_TRUE(acquire(store(), "instance-b", 9001));
}

TEST_P(StoreContract, AnotherHolderGetsTheLeaseAfterItExpired) {
  ASSERT_TRUE(acquire(store(), "instance-a", 1000));  // valid until 6000
  EXPECT_TRUE(acquire(store(), "instance-b", 6001));  // valid until 11001
  EXPECT_FALSE(acquire(store(), "instance-a", 7000));
}

TEST_P(StoreContract, ReleasedLeaseIsFreeForAnotherHolder) {
  ASSERT_TRUE(acquire(store(), "instance-a", 1000));
  release(store(), "instance-a");
  EXPECT_TRUE(acquire(store(), "instance-b", 1001));
}

TEST_P(StoreContract, ReleaseByANonHolderDoesNothing) {
  ASSERT_TRUE(acquire(store(), "instance-a", 1000));
  release(store(), "instance-b");
  EXPECT_FALSE(acquire(store(), "instance-b", 1001));
  EXPECT_TRUE(acquire(store(), "instance-a", 1002));
}

TEST_P(StoreContract, LeasesAreHeldPerName) {
  ASSERT_TRUE(acquire(store(), "instance-a", 1000, "sweep"));
  EXPECT_TRUE(acquire(store(), "instance-b", 1000, "other-job"));
  EXPECT_FALSE(acquire(store(), "instance-b", 1001, "sweep"));
  EXPECT_FALSE(acquire(store(), "instance-a", 1001, "other-job"));
}

TEST_P(StoreContract, LeaseTakenInARolledBackTransactionIsNotHeld) {
  {
    auto tx = begin_write();
    ASSERT_TRUE(tx->leases().acquire_lease("sweep", "instance-a", at(1000), kTtl));
  }
  EXPECT_TRUE(acquire(store(), "instance-b", 1001));
}

}  // namespace
}  // namespace dialtrack::store_test
