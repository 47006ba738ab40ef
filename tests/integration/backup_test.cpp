// `dialtrack backup FILE`: SQLite's online backup of a database a running service keeps writing
// to, which then serves as it was at one moment (counters consistent with the records); refused
// for PostgreSQL (pg_dump) and for a missing source.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "support/server_test.hpp"

namespace dialtrack::test {
namespace {

TEST(BackupTest, OnlineBackupWhileWritingIsAConsistentSnapshot) {
  if (on_postgresql()) {
    GTEST_SKIP() << "SQLite file backup";
  }
  ServerProcess server;
  server.start();
  const auto phones = make_phones(400);
  std::int64_t task_id = 0;
  {
    HttpConnection http(server.port());
    task_id = create_task(http, phones, "backed up");
  }

  // A writer connects one phone per push until told to stop; the backup runs in between.
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t acknowledged = 0;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    HttpConnection http(server.port());
    for (std::size_t p = 0; p < phones.size() && !stop; ++p) {
      push(http, {call_record("b-" + std::to_string(p), task_id, phones[p], "Connected")});
      const std::lock_guard lock(mutex);
      ++acknowledged;
      cv.notify_all();
    }
  });
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return acknowledged >= 20; });
  }
  const auto target = server.dir() / "backup.db";
  const auto result = run_dialtrack({"backup", "--db", server.db(), target.string()});
  stop = true;
  writer.join();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("backed up"), std::string::npos) << result.out;
  ASSERT_TRUE(std::filesystem::exists(target));
  EXPECT_FALSE(std::filesystem::exists(target.string() + ".tmp"));

  // The stored counters agree with the stored records: no drift in the copy.
  const auto recount = run_dialtrack({"recount", "--db", target.string()});
  EXPECT_EQ(recount.exit_code, 0) << recount.out << recount.err;

  ServerOptions options;
  options.db = target.string();
  ServerProcess restored(options);
  restored.start();
  HttpConnection http(restored.port());
  const auto task = get_task(http, task_id);
  const auto connected = int_field(task, "connected_calls");
  EXPECT_EQ(int_field(task, "total_calls"), static_cast<std::int64_t>(phones.size()));
  EXPECT_GE(connected, 20) << "pushes acknowledged before the backup started are in it";
  EXPECT_LE(connected, static_cast<std::int64_t>(acknowledged));
  EXPECT_EQ(static_cast<std::int64_t>(all_records(http, task_id).size()), connected);
  // The copy is a working database, not only a readable one.
  create_task(http, make_phones(1, 13700000000), "after restore");
}

TEST(BackupTest, PostgresqlIsBackedUpWithPgDump) {
  const TestDatabase database;
  if (!on_postgresql()) {
    GTEST_SKIP() << "PostgreSQL URL";
  }
  const TempDir dir;
  const auto target = dir.path() / "backup.db";
  const auto result = run_dialtrack({"backup", "--db", database.url(), target.string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("pg_dump"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(BackupTest, MissingDatabaseFailsAndWritesNothing) {
  if (on_postgresql()) {
    GTEST_SKIP() << "SQLite file backup";
  }
  const TempDir dir;
  const auto target = dir.path() / "backup.db";
  const auto result =
      run_dialtrack({"backup", "--db", (dir.path() / "absent.db").string(), target.string()});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("absent.db"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "absent.db")) << "must not create the source";
}

}  // namespace
}  // namespace dialtrack::test
