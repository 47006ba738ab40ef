#include <string>

#include "storage/sqlite/sqlite_store.hpp"
#include "storage/store.hpp"

namespace dialtrack::storage {

std::unique_ptr<Store> open_store(std::string_view db, int read_connections) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) {
    throw StoreError(
        "PostgreSQL is not supported by this build yet; use a SQLite file path or sqlite:PATH");
  }
  std::string path(db.starts_with("sqlite:") ? db.substr(7) : db);
  if (path.empty()) {
    throw StoreError("the database path is empty");
  }
  return std::make_unique<sqlite::SqliteStore>(std::move(path), read_connections);
}

}  // namespace dialtrack::storage
