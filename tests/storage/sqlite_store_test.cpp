// The store contract and the use cases on it, run on SQLite. Another backend is one more
// INSTANTIATE_TEST_SUITE_P per suite with its own factory.
#include <gtest/gtest.h>

#include "services_on_store.hpp"
#include "sqlite_test_database.hpp"
#include "store_contract.hpp"

namespace dialtrack::store_test {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(sqlite_factory()), backend_name);
INSTANTIATE_TEST_SUITE_P(Sqlite, ServicesOnStore, ::testing::Values(sqlite_factory()),
                         backend_name);

}  // namespace dialtrack::store_test
