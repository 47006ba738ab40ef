#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "domain/types.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

/// A status change made inside a transaction, logged once the transaction committed.
struct AppliedTransition {
  domain::TaskId task_id = 0;
  domain::TaskType from = domain::TaskType::kCreated;
  domain::TaskType to = domain::TaskType::kCreated;
  std::string_view reason;
};

/// Logs each transition as one operator-readable line: task id, from, to and reason.
void log_transitions(spdlog::logger& log, const std::vector<AppliedTransition>& transitions);

/// How long to wait before attempt `attempt + 1` after a lost race: a random time up to
/// 2^attempt ms (at most 64 ms), so that writers that collided on the same new call_ids do
/// not meet again at once.
std::chrono::microseconds conflict_backoff(int attempt);

/// Runs `work(tx)` in a transaction and commits it. When the store reports a lost race
/// (StoreConflict: a unique key taken by a concurrent writer, a deadlock, a serialization
/// failure) the whole unit is run again from scratch after a short random wait, a bounded
/// number of times. Blocking: runs on worker threads, never on I/O threads.
template <typename Work>
auto run_transaction(store_api::Store& store, store_api::TxMode mode, Work&& work) {
  constexpr int kAttempts = 12;
  for (int attempt = 1;; ++attempt) {
    try {
      auto tx = store.begin(mode);
      if constexpr (std::is_void_v<decltype(work(*tx))>) {
        work(*tx);
        tx->commit();
        return;
      } else {
        auto result = work(*tx);
        tx->commit();
        return result;
      }
    } catch (const store_api::StoreConflict&) {
      if (attempt == kAttempts) {
        throw;
      }
    }
    std::this_thread::sleep_for(conflict_backoff(attempt));
  }
}

}  // namespace dialtrack::app
