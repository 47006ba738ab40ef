#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <string_view>

#include "app/clock.hpp"
#include "domain/types.hpp"
#include "store_api/store.hpp"
#include "store_api/task_changes.hpp"

namespace dialtrack::app {

/// The answer of a completion check: the task as stored after the check.
struct CheckResult {
  domain::Task task;
  bool completed_now = false;  ///< this check made the 2 -> 3 transition

  [[nodiscard]] bool is_completed() const { return task.task_type == domain::TaskType::kCompleted; }
};

struct FollowupResult {
  CheckResult check;
  store_api::RecordPage records;
};

/// What a follow-up page is written into as it is read (the HTTP layer's JSON text): the
/// check's answer first, then the page's total and records (store_api::RecordVisitor).
class FollowupVisitor : public store_api::RecordVisitor {
 public:
  virtual void checked(const CheckResult& check) = 0;
};

/// The completion rule applied to stored tasks. A check reads the task's counters (never its
/// records) and, only when they say complete, makes the conditional 2 -> 3 transition, so a
/// check costs the same for 10 phones and for a million.
class CompletionService {
 public:
  CompletionService(store_api::Store& store, const Clock& clock,
                    std::shared_ptr<spdlog::logger> log);

  /// Checks one task; `reason` is written to the history if it completes. Empty when unknown.
  std::optional<CheckResult> check(domain::TaskId task_id, std::string_view reason);
  /// A check answered by one read that never blocks (Store::begin_nonblocking_read), for a
  /// thread that must not wait (an HTTP I/O thread): the answer when the task is unknown
  /// (`answered` with no result) or its counters leave nothing to do. Not `answered` when the
  /// check must run `check` on a worker instead: the counters say complete (the 2 -> 3 write),
  /// the store has no such reads (PostgreSQL), or the database was busy.
  struct Peek {
    bool answered = false;
    std::optional<CheckResult> result;
  };
  Peek check_without_blocking(domain::TaskId task_id);
  /// The task's follow-up records (newest first) after checking it (`followup_query`).
  std::optional<FollowupResult> followup(domain::TaskId task_id, std::int64_t page,
                                         std::int64_t page_size);
  /// A follow-up page answered like `check_without_blocking`: the check and the page in one
  /// read that never blocks (one snapshot), handed to `out` as they are read. `answered` with
  /// no result when the task is unknown. Not `answered` when `followup` must run on a worker
  /// instead (the counters say complete: the check writes; PostgreSQL; a busy database); `out`
  /// may then hold part of a page, to be thrown away.
  struct FollowupPeek {
    bool answered = false;
    bool found = false;
  };
  FollowupPeek followup_without_blocking(domain::TaskId task_id, std::int64_t page,
                                         std::int64_t page_size, FollowupVisitor& out);

  /// Told, after a check completed a task, that it changed (the live stream). Set once, before
  /// requests arrive.
  void set_task_changes(store_api::TaskChanges& changes) { changes_ = &changes; }

 private:
  store_api::Store& store_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  store_api::TaskChanges* changes_ = nullptr;
};

}  // namespace dialtrack::app
