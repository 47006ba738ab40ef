// domain::normalize_phone on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "domain/phone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const auto phone = dialtrack::domain::normalize_phone(raw);
  if (!phone) {
    return 0;
  }
  // The result is an optional leading '+' and 3-20 digits, and normalising it again is a no-op.
  std::size_t digits = 0;
  for (std::size_t i = 0; i < phone->size(); ++i) {
    const char c = (*phone)[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '+' && i == 0)) {
      std::abort();
    }
  }
  if (digits < 3 || digits > 20 || dialtrack::domain::normalize_phone(*phone) != phone) {
    std::abort();
  }
  return 0;
}
