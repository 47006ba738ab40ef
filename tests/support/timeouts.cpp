#include "support/timeouts.hpp"

#include <cstdlib>
#include <string>

namespace dialtrack::test {

std::chrono::milliseconds scaled(std::chrono::milliseconds base) {
  // Nothing in the tests modifies the environment, so reading it from threads is safe.
  const char* text = std::getenv("DIALTRACK_TEST_TIMEOUT_SCALE");  // NOLINT(concurrency-mt-unsafe)
  if (text == nullptr || *text == '\0') {
    return base;
  }
  char* end = nullptr;
  const double scale = std::strtod(text, &end);
  if (end == text || scale <= 0) {
    return base;
  }
  return std::chrono::milliseconds(
      static_cast<long long>(static_cast<double>(base.count()) * scale));
}

}  // namespace dialtrack::test
