#include "sqlite_test_database.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "storage/open_store.hpp"
#include "storage/sqlite/migrations.hpp"

namespace dialtrack::store_test {
namespace {

class SqliteTestDatabase final : public TestDatabase {
 public:
  SqliteTestDatabase() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "dialtrack-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    directory_ = pattern;
  }
  ~SqliteTestDatabase() override {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  SqliteTestDatabase(const SqliteTestDatabase&) = delete;
  SqliteTestDatabase& operator=(const SqliteTestDatabase&) = delete;

  std::unique_ptr<store_api::Store> open() override {
    return storage::open_store(path(), {.read_connections = 2, .phone_key = phone_key()});
  }

  void migrate_through(int version) override {
    // As SqliteStore::migrate records them.
    execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    for (const auto& m : storage::sqlite::migrations()) {
      if (m.version <= version) {
        execute(m.sql);
        execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (" +
                std::to_string(m.version) + ", 'test', 0)");
      }
    }
  }

  void execute(std::string_view sql) override {
    sqlite3* db = nullptr;
    // CREATE: migrate_through starts a database that no store has created yet.
    int code =
        sqlite3_open_v2(path().c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (code == SQLITE_OK) {
      sqlite3_busy_timeout(db, 5000);
      code = sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, nullptr);
    }
    const std::string error = code == SQLITE_OK ? "" : sqlite3_errmsg(db);
    sqlite3_close(db);
    if (code != SQLITE_OK) {
      throw std::runtime_error(std::string(sql) + ": " + error);
    }
  }

 private:
  [[nodiscard]] std::string path() const { return (directory_ / "dialtrack.db").string(); }

  std::filesystem::path directory_;
};

}  // namespace

StoreFactory sqlite_factory() {
  return {"sqlite", [] { return std::make_unique<SqliteTestDatabase>(); }};
}

}  // namespace dialtrack::store_test
