#pragma once

#include "store_contract.hpp"

namespace dialtrack::store_test {

/// PostgreSQL: a fresh database of its own on the test cluster (the ctest fixture pg_cluster),
/// dropped after the test.
StoreFactory postgres_factory();

}  // namespace dialtrack::store_test
