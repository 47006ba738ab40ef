// A full disk under SQLite, on a real small filesystem (a tmpfs of a few MB): pushes answer
// 507 with Retry-After (never 500, never a 2xx for records that are then missing), the WAL
// stays small enough to give its space back, and writes resume without a restart once space
// is freed. And an idle writer truncates its WAL.

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "disk_full_steps.hpp"
#include "support/server_test.hpp"
#include "support/small_volume.hpp"

namespace dialtrack::test {
namespace {

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

/// Waits (on inotify, no polling) until the file at `path` is empty or gone; false when the
/// deadline passed first.
bool wait_until_empty(const std::string& path, std::chrono::milliseconds deadline) {
  const int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd < 0) {
    ADD_FAILURE() << "inotify_init1 failed";
    return false;
  }
  ::inotify_add_watch(fd, path.c_str(), IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF);
  const auto until = std::chrono::steady_clock::now() + deadline;
  bool empty = file_size(path) == 0;
  while (!empty) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      break;
    }
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left.count())) > 0) {
      std::array<char, 4096> events{};
      while (::read(fd, events.data(), events.size()) > 0) {
      }
    }
    empty = file_size(path) == 0;
  }
  ::close(fd);
  return empty;
}

TEST(DiskFullTest, SqliteAnswers507UntilSpaceIsFreedThenWritesResumeWithoutARestart) {
  if (on_postgresql()) {
    GTEST_SKIP() << "about the SQLite file; disk_full_pgtest.cpp fills a PostgreSQL tablespace";
  }
  std::string why_not;
  const auto volume = SmallVolume::mount(kVolumeBytes, why_not);
  if (!volume) {
    GTEST_SKIP() << why_not;
  }
  const auto db = volume->path() / "dialtrack.db";
  const std::string wal = db.string() + "-wal";
  const auto started = start_with_task(db.string(), "full disk");
  auto& http = *started.http;
  const auto& phones = started.phones;
  const auto task_id = started.task_id;

  const auto filler = volume->path() / "filler";
  const auto filled = volume->write_filler(filler, volume->free_bytes() - kLeftFree);
  const auto free_before = volume->free_bytes();

  PushLog log;
  std::uint64_t wal_peak = 0;
  push_until_full(http, task_id, phones, log,
                  [&] { wal_peak = std::max(wal_peak, file_size(wal)); });
  if (HasFatalFailure()) {
    return;
  }
  const auto wal_when_full = file_size(wal);
  const auto db_when_full = file_size(db.string());
  EXPECT_EQ(storage_full_total(http), log.refused_pushes);
  // A nearly full volume keeps the WAL to about one group commit (the last one, when there was
  // no room left to checkpoint it), and a refused write gives its frames back: recovering
  // never needs the tens of MB that a 10,000-page WAL holds.
  EXPECT_LE(wal_peak, kMiB) << "the WAL grew on a nearly full volume";
  EXPECT_LE(wal_when_full, kMiB / 4) << "the WAL holds more than the last group commits";
  // Reads need no space.
  EXPECT_EQ(http.get("/tasks/" + std::to_string(task_id)).status, 200u);

  const int stored_before = log.acknowledged_pushes;
  free_space_and_expect_writes_resume(http, task_id, phones, log, filler);
  EXPECT_TRUE(started.server->running());

  std::cout << "[measured] volume " << kVolumeBytes / kMiB << " MiB, filler " << filled / 1024
            << " KiB, free before the pushes " << free_before / 1024 << " KiB; " << stored_before
            << " pushes stored (" << 50 << " records each), then " << log.refused_pushes
            << " answered 507, then 20 of 20 stored once the filler was "
            << "removed; WAL peak " << wal_peak / 1024 << " KiB, WAL when full "
            << wal_when_full / 1024 << " KiB, database " << db_when_full / 1024 << " KiB\n";
}

TEST(DiskFullTest, ConcurrentPushersOnAFullDiskGetOnly200Or507AndKeepEveryAcknowledgedRecord) {
  if (on_postgresql()) {
    GTEST_SKIP() << "about the SQLite file";
  }
  std::string why_not;
  const auto volume = SmallVolume::mount(kVolumeBytes, why_not);
  if (!volume) {
    GTEST_SKIP() << why_not;
  }
  const auto started =
      start_with_task((volume->path() / "dialtrack.db").string(), "full disk, concurrent pushers");
  auto& http = *started.http;
  const auto& phones = started.phones;
  const auto task_id = started.task_id;
  const auto filler = volume->path() / "filler";
  volume->write_filler(filler, volume->free_bytes() - 4 * kMiB);

  // Several pushers share group commits, and large pushes make a group spill pages into the WAL
  // before its COMMIT: space runs out in the middle of a group as well as at its COMMIT, and
  // every member of a group that was not kept must hear it.
  constexpr int kPushers = 4;
  std::vector<PushLog> logs(kPushers);
  {
    std::vector<std::jthread> pushers;
    for (int p = 0; p < kPushers; ++p) {
      logs[static_cast<std::size_t>(p)].next_batch = p * 100000;
      pushers.emplace_back([&, p] {
        HttpConnection own(started.server->port());
        push_until_full(own, task_id, phones, logs[static_cast<std::size_t>(p)], {},
                        {.records_per_push = 1000, .refusals_wanted = 3, .max_pushes = 200});
      });
    }
  }
  PushLog log;
  for (const auto& one : logs) {
    log.merge(one);
  }
  EXPECT_GT(log.refused_pushes, 0);
  EXPECT_EQ(storage_full_total(http), log.refused_pushes);

  const int stored_before = log.acknowledged_pushes;
  std::filesystem::remove(filler);
  push_expecting_success(http, task_id, phones, log, 5);
  expect_kept_exactly_the_acknowledged(http, task_id, log);
  std::cout << "[measured] " << kPushers << " pushers of 1,000 records: " << stored_before
            << " pushes stored, " << log.refused_pushes << " answered 507, then 5 of 5 stored "
            << "once the filler was removed\n";
}

TEST(DiskFullTest, AnIdleWriterGivesTheWalSpaceBack) {
  if (on_postgresql()) {
    GTEST_SKIP() << "about the SQLite WAL";
  }
  ServerProcess server;
  server.start();
  HttpConnection http(server.port());
  const auto phones = make_phones(200);
  const auto task_id = create_task(http, phones, "idle writer");
  const std::string wal = server.db() + "-wal";
  std::uint64_t wal_peak = 0;
  for (int batch = 0; batch < 5; ++batch) {
    boost::json::array records;
    for (int i = 0; i < 40; ++i) {
      records.push_back(
          call_record("idle-" + std::to_string(batch) + "-" + std::to_string(i), task_id,
                      phones[(static_cast<std::size_t>(batch) * 40) + static_cast<std::size_t>(i)],
                      "NoAnswer"));
    }
    ASSERT_EQ(push_records(http, records).status, 200u);
    wal_peak = std::max(wal_peak, file_size(wal));
  }
  // Far from full, the WAL is checkpointed only every 10,000 pages while writes come; once
  // they stop, its space goes back to the volume.
  EXPECT_GT(wal_peak, 0u) << "the pushes wrote no WAL";
  EXPECT_TRUE(wait_until_empty(wal, scaled(std::chrono::seconds(10))))
      << "the WAL still holds " << file_size(wal) << " bytes with the writer idle";
  EXPECT_EQ(all_records(http, task_id).size(), 200u);
}

}  // namespace
}  // namespace dialtrack::test
