#pragma once

#include <cstdint>
#include <string>

namespace dialtrack::storage::sqlite {

struct BackupResult {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
};

/// Copies the SQLite database `source` to `target` with SQLite's online backup API: one
/// consistent snapshot, taken while a running service keeps reading and writing the file (WAL
/// readers do not block writers). The copy is written to `target` + ".tmp", synced, and renamed,
/// so `target` is either absent, its previous content, or a whole backup. Throws StoreError.
BackupResult backup(const std::string& source, const std::string& target);

}  // namespace dialtrack::storage::sqlite
