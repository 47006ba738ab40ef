#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dialtrack::storage {

/// What `backup_database` copied.
struct BackupResult {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
};

/// Copies a SQLite database (a `--db` value: a path or `sqlite:PATH`) to the file `target` with
/// SQLite's online backup API, safely while a service runs on it. PostgreSQL is backed up with
/// pg_dump: for a `postgresql://` URL this throws StoreError saying so, as for an unreadable
/// source or an unwritable target.
BackupResult backup_database(std::string_view db, const std::string& target);

}  // namespace dialtrack::storage
