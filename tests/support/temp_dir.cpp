#include "support/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace dialtrack::test {

TempDir::TempDir(std::string_view prefix) {
  // Nothing in the tests modifies the environment, so reading it from threads is safe.
  const char* base = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe)
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" +
                        std::string(prefix) + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  if (keep_) {
    return;
  }
  // Removal failures must not turn into a test failure or an exception from a destructor.
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace dialtrack::test
