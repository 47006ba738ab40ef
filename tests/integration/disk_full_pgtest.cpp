// A full disk under PostgreSQL: dialtrack's tables in a tablespace on a tmpfs of a few MB (the
// catalogs and the server's WAL stay where they were), filled until the server answers SQLSTATE
// 53100 (disk_full). Pushes answer 507 with Retry-After, never 500 and never a 2xx for records
// that are then missing; once space is freed writes resume without a restart.

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "disk_full_steps.hpp"
#include "pg_fixture.hpp"
#include "support/server_test.hpp"
#include "support/small_volume.hpp"

namespace dialtrack::test {
namespace {

/// A tablespace of the test cluster, dropped on destruction (after the database in it).
class Tablespace {
 public:
  Tablespace(std::string admin_url, std::string name, const std::filesystem::path& location)
      : admin_url_(std::move(admin_url)), name_(std::move(name)) {
    pg_fixture::execute(admin_url_,
                        "CREATE TABLESPACE " + name_ + " LOCATION '" + location.string() + "'");
  }
  ~Tablespace() {
    try {
      pg_fixture::execute(admin_url_, "DROP TABLESPACE IF EXISTS " + name_);
    } catch (const std::exception& e) {
      std::cerr << "cannot drop tablespace " << name_ << ": " << e.what() << "\n";
    }
  }
  Tablespace(const Tablespace&) = delete;
  Tablespace& operator=(const Tablespace&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  std::string admin_url_;
  std::string name_;
};

TEST(DiskFullPgTest, PostgresqlDiskFullAnswers507UntilSpaceIsFreedThenWritesResume) {
  if (!on_postgresql()) {
    GTEST_SKIP() << "fills a PostgreSQL tablespace; runs as pg.DiskFullPgTest.*";
  }
  const auto admin = pg_fixture::admin_url();
  // The tablespace must belong to the server's own user: the owner of its data directory.
  const auto data_directory = pg_fixture::query_value(admin, "SHOW data_directory");
  struct stat owner {};
  if (::stat(data_directory.c_str(), &owner) != 0) {
    GTEST_SKIP() << "the test cluster's data directory " << data_directory
                 << " is not on this machine; a tablespace on a small filesystem needs a "
                    "local server";
  }
  std::string why_not;
  const auto volume =
      SmallVolume::mount(kVolumeBytes, why_not, std::make_pair(owner.st_uid, owner.st_gid));
  if (!volume) {
    GTEST_SKIP() << why_not;
  }
  const auto location = volume->path() / "tablespace";
  std::filesystem::create_directory(location);
  ASSERT_EQ(::chown(location.c_str(), owner.st_uid, owner.st_gid), 0);
  ASSERT_EQ(::chmod(location.c_str(), 0700), 0);
  const Tablespace tablespace(admin, "dt_full_" + std::to_string(::getpid()), location);
  pg_fixture::ScratchDatabase database;
  // dialtrack's tables and indexes go there (its migrations run at start); the catalogs stay.
  pg_fixture::execute(admin, "ALTER DATABASE " + database.name() +
                                 " SET default_tablespace = " + tablespace.name());

  const auto started = start_with_task(database.url(), "full tablespace");
  auto& http = *started.http;
  const auto& phones = started.phones;
  const auto task_id = started.task_id;

  const auto filler = volume->path() / "filler";
  const auto filled = volume->write_filler(filler, volume->free_bytes() - kLeftFree);

  PushLog log;
  push_until_full(http, task_id, phones, log);
  if (HasFatalFailure()) {
    return;
  }
  EXPECT_EQ(storage_full_total(http), log.refused_pushes);
  EXPECT_EQ(http.get("/tasks/" + std::to_string(task_id)).status, 200u);

  const int stored_before = log.acknowledged_pushes;
  free_space_and_expect_writes_resume(http, task_id, phones, log, filler);

  std::cout << "[measured] tablespace on a " << kVolumeBytes / kMiB << " MiB tmpfs, filler "
            << filled / 1024 << " KiB: " << stored_before << " pushes stored (" << 50
            << " records each), then " << log.refused_pushes
            << " answered 507, then 20 of 20 stored once the filler was removed\n";
}

}  // namespace
}  // namespace dialtrack::test
