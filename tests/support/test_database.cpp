#include "support/test_database.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace dialtrack::test {

Backend test_backend() {
  // Nothing in the tests modifies the environment, so reading it from threads is safe.
  const char* text = std::getenv("DIALTRACK_TEST_BACKEND");  // NOLINT(concurrency-mt-unsafe)
  const std::string_view name = text == nullptr ? "" : text;
  if (name.empty() || name == "sqlite") {
    return Backend::kSqlite;
  }
  if (name == "postgresql") {
    return Backend::kPostgresql;
  }
  throw std::runtime_error("DIALTRACK_TEST_BACKEND must be sqlite or postgresql, not '" +
                           std::string(name) + "'");
}

std::string backend_name() {
  return on_postgresql() ? "postgresql" : "sqlite";
}

TestDatabase::TestDatabase(const std::filesystem::path& dir, std::string_view name) {
  if (on_postgresql()) {
    url_ = postgres_.emplace().url();
  } else {
    url_ = (dir / (std::string(name) + ".db")).string();
  }
}

TestDatabase::TestDatabase() {
  if (on_postgresql()) {
    url_ = postgres_.emplace().url();
  } else {
    url_ = (own_dir_.emplace("dialtrack-db").path() / "dialtrack.db").string();
  }
}

TestDatabase::~TestDatabase() {
  if (own_dir_ && ::testing::Test::HasFailure()) {
    own_dir_->keep();
  }
}

}  // namespace dialtrack::test
