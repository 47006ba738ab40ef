#pragma once

#include <span>

namespace dialtrack::storage::postgres {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

/// The PostgreSQL schema versions in order; the same versions as the SQLite schema.
std::span<const Migration> migrations();

}  // namespace dialtrack::storage::postgres
