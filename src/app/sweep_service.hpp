#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <string>

#include "app/clock.hpp"
#include "app/completion_service.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

struct SweepReport {
  bool ran = false;  ///< false when another instance holds the sweep lease
  std::int64_t checked = 0;
  std::int64_t completed = 0;
  std::chrono::milliseconds took{0};
};

/// The periodic sweep: walks the tasks that are calling and completes those whose counters say
/// so, catching up any completion that an after-write check missed. One instance sweeps at a
/// time (a lease in the database); each run looks at no more than `max_tasks` tasks.
class SweepService {
 public:
  SweepService(store_api::Store& store, const Clock& clock, CompletionService& completion,
               std::shared_ptr<spdlog::logger> log, std::string holder, std::int64_t max_tasks);

  SweepReport run_once();

 private:
  store_api::Store& store_;
  const Clock& clock_;
  CompletionService& completion_;
  std::shared_ptr<spdlog::logger> log_;
  std::string holder_;
  std::int64_t max_tasks_;
};

}  // namespace dialtrack::app
