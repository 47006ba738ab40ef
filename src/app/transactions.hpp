#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <utility>
#include <vector>

#include "domain/types.hpp"
#include "storage/store.hpp"

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

/// Runs `work(tx)` in a transaction and commits it. When the store reports a lost race
/// (StoreConflict) the whole unit is run again from scratch, a bounded number of times.
template <typename Work>
auto run_transaction(storage::Store& store, storage::TxMode mode, Work&& work) {
  constexpr int kAttempts = 5;
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
    } catch (const storage::StoreConflict&) {
      if (attempt == kAttempts) {
        throw;
      }
    }
  }
}

}  // namespace dialtrack::app
