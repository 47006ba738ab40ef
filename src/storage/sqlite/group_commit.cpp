#include "storage/sqlite/group_commit.hpp"

#include "store_api/errors.hpp"

namespace dialtrack::storage::sqlite {

std::unique_lock<std::mutex> GroupCommit::enter() {
  waiting_.fetch_add(1);
  std::unique_lock lock(writer_);
  waiting_.fetch_sub(1);
  try {
    if (!open_) {
      db_.exec("BEGIN IMMEDIATE");
      open_ = true;
      members_ = 0;
      ++group_;
    }
    db_.exec("SAVEPOINT member");
  } catch (const store_api::StoreError&) {
    // Whoever left the group open counted on this writer to commit it.
    commit_group_if_idle();
    throw;
  }
  return lock;
}

std::uint64_t GroupCommit::leave(std::unique_lock<std::mutex> lock, bool keep) {
  db_.reset_statements();
  std::string failure;
  if (keep) {
    try {
      db_.exec("RELEASE member");
      ++members_;
    } catch (const store_api::StoreError& e) {
      failure = e.what();
      keep = false;
    }
  }
  if (!keep) {
    sqlite3_exec(db_.handle(), "ROLLBACK TO member", nullptr, nullptr, nullptr);
    sqlite3_exec(db_.handle(), "RELEASE member", nullptr, nullptr, nullptr);
  }
  const std::uint64_t group = group_;
  commit_group_if_idle();
  lock.unlock();
  if (!failure.empty()) {
    throw store_api::StoreError(failure);
  }
  return group;
}

void GroupCommit::commit_group_if_idle() {
  if (!open_ || (waiting_.load() > 0 && members_ < kMaxGroup)) {
    return;
  }
  open_ = false;
  std::string failure;
  try {
    db_.exec("COMMIT");
  } catch (const store_api::StoreError& e) {
    failure = e.what();
    if (sqlite3_get_autocommit(db_.handle()) == 0) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  {
    constexpr std::size_t kRememberedFailures = 1024;
    const std::lock_guard lock(durable_mutex_);
    durable_group_ = group_;
    if (!failure.empty()) {
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
    throw store_api::StoreError(it->second);
  }
}

}  // namespace dialtrack::storage::sqlite
