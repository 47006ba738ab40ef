#include "sqlite_test_database.hpp"

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

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

  std::unique_ptr<storage::Store> open() override {
    return storage::open_store((directory_ / "dialtrack.db").string(), {.read_connections = 2});
  }

 private:
  std::filesystem::path directory_;
};

}  // namespace

StoreFactory sqlite_factory() {
  return {"sqlite", [] { return std::make_unique<SqliteTestDatabase>(); }};
}

}  // namespace dialtrack::store_test
