#include "app/transactions.hpp"

#include <algorithm>
#include <random>

namespace dialtrack::app {

std::chrono::microseconds conflict_backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const auto ceiling = std::chrono::microseconds(1000) * (1LL << std::clamp(attempt, 0, 6));
  std::uniform_int_distribution<std::int64_t> pick(0, ceiling.count());
  return std::chrono::microseconds(pick(random));
}

void log_transitions(spdlog::logger& log, const std::vector<AppliedTransition>& transitions) {
  for (const auto& t : transitions) {
    log.info("task {} status {} -> {} reason={}", t.task_id, static_cast<int>(t.from),
             static_cast<int>(t.to), t.reason);
  }
}

}  // namespace dialtrack::app
