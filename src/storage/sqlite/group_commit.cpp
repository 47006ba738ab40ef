#include "storage/sqlite/group_commit.hpp"

#include <utility>

#include "storage/sqlite/wal_keeper.hpp"
#include "store_api/errors.hpp"

namespace dialtrack::storage::sqlite {

GroupCommit::GroupCommit(Database& db, WalKeeper& wal)
    : db_(db), wal_(wal), idle_([this] { truncate_when_idle(); }) {}

GroupCommit::~GroupCommit() {
  {
    const std::lock_guard lock(idle_mutex_);
    stopping_ = true;
  }
  idle_wake_.notify_all();
  idle_.join();
}

std::unique_lock<std::mutex> GroupCommit::enter() {
  waiting_.fetch_add(1);
  std::unique_lock lock(writer_);
  waiting_.fetch_sub(1);
  db_.take_space_failure();  // what this member hits, not an earlier one's
  try {
    if (!open_) {
      wal_.before_group();
      db_.run("BEGIN IMMEDIATE");
      open_ = true;
      members_ = 0;
      ++group_;
    }
    db_.run("SAVEPOINT member");
  } catch (const store_api::StoreError&) {
    // Whoever left the group open counted on this writer to commit it.
    commit_group_if_idle();
    throw;
  }
  return lock;
}

std::uint64_t GroupCommit::leave(std::unique_lock<std::mutex> lock, bool keep) {
  db_.reset_statements();
  std::exception_ptr failure;
  if (keep) {
    try {
      db_.run("RELEASE member");
      ++members_;
    } catch (const store_api::StoreError&) {
      failure = std::current_exception();
      keep = false;
    }
  }
  const std::uint64_t group = group_;
  if (open_ && sqlite3_get_autocommit(db_.handle()) != 0) {
    // SQLite rolled the shared transaction back after this member's error: the writes of the
    // members that left before are gone too, and they must not hear "durable".
    const bool space = db_.take_space_failure();
    finish_group(space ? std::make_exception_ptr(store_api::StoreFull(
                             "SQLite: the disk is full; the group commit was rolled back"))
                       : std::make_exception_ptr(store_api::StoreError(
                             "SQLite: an error in a write of the same group commit rolled the "
                             "group back")));
    if (space) {
      wal_.after_space_failure();
    }
  } else {
    if (!keep) {
      sqlite3_exec(db_.handle(), "ROLLBACK TO member", nullptr, nullptr, nullptr);
      sqlite3_exec(db_.handle(), "RELEASE member", nullptr, nullptr, nullptr);
    }
    commit_group_if_idle();
  }
  lock.unlock();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return group;
}

std::unique_lock<std::mutex> GroupCommit::exclusive() {
  std::unique_lock lock(writer_);
  commit_group();
  return lock;
}

void GroupCommit::commit_group_if_idle() {
  if (waiting_.load() > 0 && members_ < kMaxGroup) {
    return;
  }
  commit_group();
}

void GroupCommit::commit_group() {
  if (!open_) {
    return;
  }
  std::exception_ptr failure;
  try {
    db_.run("COMMIT");
  } catch (const store_api::StoreError&) {
    failure = std::current_exception();
    if (sqlite3_get_autocommit(db_.handle()) == 0) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  const bool space = failure && db_.take_space_failure();
  finish_group(failure);
  // Groups that changed no row (a webhook poll that found nothing due) wrote no WAL and do not
  // keep the writer from being idle.
  const auto changes = sqlite3_total_changes64(db_.handle());
  const bool wrote = changes != changes_at_last_commit_;
  changes_at_last_commit_ = changes;
  // The members are told first; then the WAL is kept within the volume's space.
  if (space) {
    wal_.after_space_failure();
  } else if (!failure && wrote) {
    wal_.after_commit();
  }
  if (wrote || failure) {
    const std::lock_guard lock(idle_mutex_);
    last_write_ = std::chrono::steady_clock::now();
    if (!std::exchange(wal_written_, true)) {
      idle_wake_.notify_one();
    }
  }
}

void GroupCommit::finish_group(std::exception_ptr failure) {
  open_ = false;
  {
    constexpr std::size_t kRememberedFailures = 1024;
    const std::lock_guard lock(durable_mutex_);
    durable_group_ = group_;
    if (failure) {
      failures_.emplace(group_, std::move(failure));
      if (failures_.size() > kRememberedFailures) {
        failures_.erase(failures_.begin());
      }
    }
  }
  durable_.notify_all();
}

void GroupCommit::wait_durable(std::uint64_t group) {
  std::unique_lock lock(durable_mutex_);
  durable_.wait(lock, [&] { return durable_group_ >= group; });
  if (const auto it = failures_.find(group); it != failures_.end()) {
    // Every member rethrows the one error: a StoreError, read only (what()) by its handlers.
    std::rethrow_exception(it->second);
  }
}

void GroupCommit::truncate_when_idle() {
  std::unique_lock lock(idle_mutex_);
  for (;;) {
    idle_wake_.wait(lock, [this] { return stopping_ || wal_written_; });
    if (stopping_) {
      return;
    }
    const auto quiet_since = last_write_ + kIdleBeforeTruncate;
    if (std::chrono::steady_clock::now() < quiet_since) {
      idle_wake_.wait_until(lock, quiet_since, [this] { return stopping_; });
      continue;
    }
    wal_written_ = false;
    lock.unlock();
    bool done = false;
    {
      // Only a writer with no group open or waiting is idle; otherwise it is not, after all.
      std::unique_lock writer(writer_, std::try_to_lock);
      done = writer.owns_lock() && !open_ && waiting_.load() == 0 && wal_.when_idle();
    }
    lock.lock();
    if (!done && !wal_written_) {
      // A reader or a writer was in the way: try again after another quiet spell.
      wal_written_ = true;
      last_write_ = std::chrono::steady_clock::now();
    }
  }
}

}  // namespace dialtrack::storage::sqlite
