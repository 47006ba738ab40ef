#include "storage/open_store.hpp"

#include <algorithm>
#include <string>

#include "storage/backup.hpp"
#include "storage/postgres/pg_store.hpp"
#include "storage/postgres/pg_task_changes.hpp"
#include "storage/sqlite/backup.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace dialtrack::storage {

std::unique_ptr<store_api::Store> open_store(std::string_view db, const StoreOptions& options) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) {
    return std::make_unique<postgres::PgStore>(
        std::string(db),
        postgres::PgOptions{options.pool_size, options.acquire_timeout, options.query_timeout,
                            options.connect_wait, options.log, options.phone_key});
  }
  std::string path(db.starts_with("sqlite:") ? db.substr(7) : db);
  if (path.empty()) {
    throw store_api::StoreError("the database path is empty");
  }
  return std::make_unique<sqlite::SqliteStore>(std::move(path), options.read_connections,
                                               options.log, options.phone_key);
}

std::unique_ptr<store_api::TaskChanges> open_task_changes(
    std::string_view db, std::function<void(std::span<const domain::TaskId>)> heard,
    std::function<void()> lost, std::shared_ptr<spdlog::logger> log) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) {
    return std::make_unique<postgres::PgTaskChanges>(std::string(db), std::move(heard),
                                                     std::move(lost), std::move(log));
  }
  return nullptr;
}

}  // namespace dialtrack::storage

namespace dialtrack::storage {

BackupResult backup_database(std::string_view db, const std::string& target) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) {
    throw store_api::StoreError(
        "backup copies SQLite databases; back up PostgreSQL with pg_dump (docs/operations.md)");
  }
  const std::string path(db.starts_with("sqlite:") ? db.substr(7) : db);
  const auto copied = sqlite::backup(path, target);
  return {copied.pages, copied.bytes};
}

}  // namespace dialtrack::storage
