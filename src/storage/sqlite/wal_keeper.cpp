#include "storage/sqlite/wal_keeper.hpp"

#include <spdlog/logger.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <limits>
#include <utility>

namespace dialtrack::storage::sqlite {

namespace {

// How long a checkpoint waits for readers of an older snapshot when space is short: a read
// transaction is short, and the writer's lock is held meanwhile. The idle checkpoint waits for
// nobody: it comes again.
constexpr std::chrono::milliseconds kTightBusyWait{200};

double mebibytes(std::uint64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

}  // namespace

WalKeeper::WalKeeper(Database& db, const std::string& path, std::shared_ptr<spdlog::logger> log)
    : db_(db), path_(path), wal_path_(path + "-wal"), log_(std::move(log)) {
  const auto parent = std::filesystem::path(path).parent_path();
  directory_ = parent.empty() ? "." : parent.string();
  Statement timeout(db_, "PRAGMA busy_timeout");
  timeout.bind();
  busy_timeout_ms_ = timeout.step() ? static_cast<int>(timeout.int64(0)) : 0;
}

WalKeeper::Space WalKeeper::space() const {
  Space out;
  struct statvfs volume {};
  // A volume we cannot ask about counts as roomy: the writer then works as it always did.
  out.free = statvfs(directory_.c_str(), &volume) == 0
                 ? static_cast<std::uint64_t>(volume.f_bavail) * volume.f_frsize
                 : std::numeric_limits<std::uint64_t>::max();
  struct stat wal {};
  out.wal = ::stat(wal_path_.c_str(), &wal) == 0 ? static_cast<std::uint64_t>(wal.st_size) : 0;
  return out;
}

void WalKeeper::before_group() {
  if (!refused_ && !tight_) {
    return;
  }
  const Space now = space();
  if (now.wal > 0) {
    truncate(kTightBusyWait, now);
  }
}

void WalKeeper::after_commit() {
  const Space now = space();
  if (refused_) {
    refused_ = false;
    if (log_) {
      log_->info("writes to {} succeed again ({:.1f} MiB free)", path_, mebibytes(now.free));
    }
  }
  const bool tight = now.free < now.wal + kHeadroom;
  if (tight != tight_) {
    tight_ = tight;
    if (log_ && tight) {
      log_->info(
          "the volume of {} has {:.1f} MiB free, less than the WAL ({:.1f} MiB) plus {} MiB: the "
          "WAL is checkpointed and truncated after every commit (slower writes) until more is "
          "free",
          path_, mebibytes(now.free), mebibytes(now.wal), kHeadroom >> 20);
    } else if (log_) {
      log_->info("the volume of {} has {:.1f} MiB free again: the WAL is checkpointed as usual",
                 path_, mebibytes(now.free));
    }
  }
  if (tight_ && now.wal > 0) {
    truncate(kTightBusyWait, now);
  }
}

void WalKeeper::after_space_failure() {
  const Space now = space();
  if (!refused_ && log_ && now.free >= kHeadroom) {
    // The database's volume has room: the write that failed was to one of SQLite's temporary
    // files (the statement journal of a large transaction, a large sort), on another volume.
    log_->warn(
        "a write to {} failed for space although its volume has {:.1f} MiB free: the volume of "
        "SQLite's temporary files (SQLITE_TMPDIR or TMPDIR, else /var/tmp or /tmp) is full; "
        "writes are refused (507) until space is freed there",
        path_, mebibytes(now.free));
  } else if (!refused_ && log_) {
    log_->warn(
        "the volume of {} is full ({:.1f} MiB free, WAL {:.1f} MiB): writes are refused (507) "
        "until space is freed there; they resume by themselves",
        path_, mebibytes(now.free), mebibytes(now.wal));
  }
  refused_ = true;
  tight_ = true;
  if (now.wal > 0) {
    truncate(kTightBusyWait, now);
  }
}

bool WalKeeper::when_idle() {
  const Space now = space();
  if (now.wal == 0) {
    return true;
  }
  const bool done = truncate(std::chrono::milliseconds{0}, now);
  if (done && log_) {
    log_->debug("writer idle: WAL of {} truncated, {:.1f} MiB given back", path_,
                mebibytes(now.wal));
  }
  return done;
}

bool WalKeeper::truncate(std::chrono::milliseconds busy, Space before) {
  sqlite3* handle = db_.handle();
  // A reader that kept the last checkpoint from finishing (an export can read for minutes) is
  // not waited for again: every write would pay the wait. The checkpoint then copies what it can.
  sqlite3_busy_timeout(handle, reader_in_the_way_ ? 0 : static_cast<int>(busy.count()));
  int frames = 0;
  int copied = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied);
  sqlite3_busy_timeout(handle, busy_timeout_ms_);
  reader_in_the_way_ = (rc & 0xff) == SQLITE_BUSY;
  if (rc == SQLITE_OK) {
    stuck_logged_ = false;
    return true;
  }
  if (out_of_space(handle, rc)) {
    // The pages the WAL adds to the database do not fit: it keeps its space until more is
    // freed, and the next group (or the idle writer) tries again.
    if (!stuck_logged_ && log_) {
      log_->warn(
          "the WAL of {} ({:.1f} MiB) cannot be checkpointed with {:.1f} MiB free: it needs room "
          "for the pages it adds to the database, at most its own size",
          path_, mebibytes(before.wal), mebibytes(before.free));
    }
    stuck_logged_ = true;
  } else if ((rc & 0xff) != SQLITE_BUSY && log_) {
    log_->warn("checkpoint of {} failed: {}", path_, sqlite3_errmsg(handle));
  } else if (log_) {
    log_->debug("checkpoint of {} put off: a reader still uses the WAL ({} of {} frames copied)",
                path_, copied, frames);
  }
  return false;
}

}  // namespace dialtrack::storage::sqlite
