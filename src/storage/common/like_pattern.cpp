#include "storage/common/like_pattern.hpp"

namespace dialtrack::storage {

std::string contains_pattern(std::string_view text) {
  std::string pattern;
  pattern.reserve(text.size() + 2);
  pattern += '%';
  for (const char c : text) {
    // Bytes of multi-byte UTF-8 characters are all >= 0x80, so none is taken for one of these.
    if (c == '\\' || c == '%' || c == '_') {
      pattern += '\\';
    }
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace dialtrack::storage
