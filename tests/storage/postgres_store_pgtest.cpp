// The store contract and the use cases on it, run on PostgreSQL: each test on a fresh database
// of the cluster that the ctest fixture pg_cluster starts.
#include <gtest/gtest.h>

#include "postgres_test_database.hpp"
#include "services_on_store.hpp"
#include "store_contract.hpp"

namespace dialtrack::store_test {

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract, ::testing::Values(postgres_factory()),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(Postgres, ServicesOnStore, ::testing::Values(postgres_factory()),
                         backend_name);

}  // namespace dialtrack::store_test
