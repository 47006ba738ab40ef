#pragma once

#include "store_contract.hpp"

namespace dialtrack::store_test {

/// SQLite: a real database file in a fresh temporary directory, removed after the test.
StoreFactory sqlite_factory();

}  // namespace dialtrack::store_test
