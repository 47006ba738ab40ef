#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "pg_fixture.hpp"
#include "support/temp_dir.hpp"

namespace dialtrack::test {

/// The database backend the suite runs on.
enum class Backend { kSqlite, kPostgresql };

/// $DIALTRACK_TEST_BACKEND: unset, empty or `sqlite` is SQLite; `postgresql` is PostgreSQL on
/// the cluster of the ctest fixture `pg_cluster` (tests/pg_fixture). Anything else throws, so a
/// typo cannot silently run the SQLite suite twice.
Backend test_backend();
inline bool on_postgresql() {
  return test_backend() == Backend::kPostgresql;
}
/// The name `GET /healthz` reports for the backend under test: "sqlite" or "postgresql".
std::string backend_name();

/// One database of the backend under test, for one test: on SQLite the file `<dir>/<name>.db`;
/// on PostgreSQL a fresh database of its own on the test cluster, dropped (WITH FORCE) with
/// this object. Servers and CLI commands given the same url() share it, also across restarts.
class TestDatabase {
 public:
  /// `dir` and `name` place the SQLite file; PostgreSQL ignores them.
  explicit TestDatabase(const std::filesystem::path& dir, std::string_view name = "dialtrack");
  /// The same in a temp dir of its own (kept when the test failed).
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  /// What `--db` takes: the SQLite file path or the `postgresql://` URL.
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  std::optional<TempDir> own_dir_;
  std::optional<pg_fixture::ScratchDatabase> postgres_;
  std::string url_;
};

}  // namespace dialtrack::test
