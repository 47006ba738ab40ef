// domain::parse_timestamp (RFC 3339 strings) and timestamp_from_epoch_number (JSON numbers).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "domain/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dialtrack::domain;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto at = parse_timestamp(text)) {
    // What we store is shown as RFC 3339 UTC, which must read back as the same instant.
    const auto shown = format_timestamp(*at);
    if (parse_timestamp(shown) != at) {
      std::abort();
    }
  }
  if (size >= sizeof(double)) {
    double number = 0;
    std::memcpy(&number, data, sizeof number);
    if (const auto at = timestamp_from_epoch_number(number)) {
      if (parse_timestamp(format_timestamp(*at)) != at) {
        std::abort();
      }
    }
  }
  return 0;
}
