#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
  /// Goes into every call_id (and the task names); random when absent. The id and seed of an
  /// earlier run repeat its records exactly, on a fresh database (on the same one, its
  /// call_ids belong to the earlier run's tasks, and the server rejects them).
  std::optional<std::string> run_id;
  sim::DialerOptions dialer;
};

/// Whether `id` may be a run id: 1 to 32 letters, digits, '-' or '_' (it must fit in a
/// call_id, read well in a log, and need no quoting in a shell).
bool valid_run_id(std::string_view id);

/// `dialtrack simulate`: creates tasks with phones over the API, then pushes call results in
/// batches at the given rate until every task completes (or the duration ends), printing
/// progress, the reason of every record the server rejected, and a summary. Exit 0 when every
/// task completed (or the duration ended) with no record rejected; 1 when the server refused
/// requests or records, or tasks stayed open; 2 when `--url` is not http://HOST:PORT or the
/// server could not be reached. A failed run ends with one line that says why.
int simulate(const SimulateOptions& options);

}  // namespace dialtrack::cli
