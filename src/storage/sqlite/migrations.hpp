#pragma once

#include <span>

#include "storage/common/migrations.hpp"

namespace dialtrack::storage::sqlite {

/// The SQLite schema: every schema version (storage/common/migrations.hpp) in order; a database
/// is at the highest version it has applied.
std::span<const Migration> migrations();

}  // namespace dialtrack::storage::sqlite
