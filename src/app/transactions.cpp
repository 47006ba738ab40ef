#include "app/transactions.hpp"

namespace dialtrack::app {

void log_transitions(spdlog::logger& log, const std::vector<AppliedTransition>& transitions) {
  for (const auto& t : transitions) {
    log.info("task {} status {} -> {} reason={}", t.task_id, static_cast<int>(t.from),
             static_cast<int>(t.to), t.reason);
  }
}

}  // namespace dialtrack::app
