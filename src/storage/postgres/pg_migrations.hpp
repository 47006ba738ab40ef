#pragma once

#include <span>

#include "storage/common/migrations.hpp"

namespace dialtrack::storage::postgres {

/// The PostgreSQL schema: every schema version (storage/common/migrations.hpp) in order.
std::span<const Migration> migrations();

}  // namespace dialtrack::storage::postgres
