#pragma once

#include <string>
#include <string_view>

/// PostgreSQL for tests: the cluster started by the ctest fixture `pg_cluster`
/// (tests/pg_fixture/pg_fixture.cmake) and one fresh database per test on it.
namespace dialtrack::pg_fixture {

/// The URL of the test cluster's admin database: DIALTRACK_TEST_PG_URL, else the first line of
/// the file named by DIALTRACK_TEST_PG_URL_FILE. Throws std::runtime_error saying how to get a
/// cluster when neither is there.
std::string admin_url();

/// `admin_url` with its database name replaced, keeping user, host, port and parameters.
std::string with_database(std::string_view admin_url, std::string_view database);

/// Runs SQL without results on the database at `url` over a connection of its own; throws
/// std::runtime_error with the server's message when it fails.
void execute(const std::string& url, std::string_view sql);

/// The first column of the first row that `sql` returns on the database at `url` (empty when
/// no row, or NULL), over a connection of its own; throws std::runtime_error when it fails.
std::string query_value(const std::string& url, std::string_view sql);

/// A fresh, empty database of its own on the test cluster, dropped with this object (with
/// FORCE, so connections a failed test left open do not keep it alive).
class ScratchDatabase {
 public:
  ScratchDatabase();
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  /// The database's name, `dt_<pid>_<n>_<random>`.
  [[nodiscard]] const std::string& name() const { return name_; }
  /// A `postgresql://` URL of this database.
  [[nodiscard]] const std::string& url() const { return url_; }
  /// Runs SQL without results on this database over a connection of its own; throws
  /// std::runtime_error with the server's message when it fails.
  void execute(std::string_view sql) const;

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace dialtrack::pg_fixture
