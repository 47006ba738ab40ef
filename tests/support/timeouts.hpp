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

}  // namespace dialtrack::test
