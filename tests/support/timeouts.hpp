#pragma once

#include <chrono>

namespace dialtrack::test {

/// Scales a test deadline by DIALTRACK_TEST_TIMEOUT_SCALE (a positive number, default 1), so
/// slow builds (sanitizers, valgrind) can run the same suite without editing it. Deadlines only
/// bound waits for readiness or answers; nothing ever sleeps for them.
std::chrono::milliseconds scaled(std::chrono::milliseconds base);

/// How long a test waits for one HTTP answer or for the server to become ready.
inline std::chrono::milliseconds answer_deadline() {
  return scaled(std::chrono::seconds(30));
}

/// Milliseconds left until `deadline` on the steady clock, 0 once it passed: a timeout for
/// poll(2).
inline int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

/// Milliseconds gone since `start` on the steady clock.
inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace dialtrack::test
