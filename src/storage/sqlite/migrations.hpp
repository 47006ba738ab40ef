#pragma once

#include <span>

namespace dialtrack::storage::sqlite {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

/// The schema versions in order; a database is at the highest version it has applied.
std::span<const Migration> migrations();

}  // namespace dialtrack::storage::sqlite
