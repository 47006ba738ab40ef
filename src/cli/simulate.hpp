#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/dialer.hpp"

namespace dialtrack::cli {

struct SimulateOptions {
  std::string url = "http://127.0.0.1:8080";
  std::optional<std::string> token;  ///< sent as `Authorization: Bearer ...`
  int tasks = 3;
  int phones = 100;   ///< per task
  double rate = 200;  ///< records per second
  std::size_t batch_size = 50;
  std::chrono::seconds duration{0};  ///< 0: until every task is complete (or out of attempts)
  bool english_names = false;
  sim::DialerOptions dialer;
};

/// `dialtrack simulate`: creates tasks with phones over the API, then pushes call results in
/// batches at the given rate until every task completes (or the duration ends), printing
/// progress and a summary. Exit 0 when every task completed (or the duration ended), 1 when
/// the server refused requests or tasks stayed open, 2 when it could not be reached.
int simulate(const SimulateOptions& options);

}  // namespace dialtrack::cli
