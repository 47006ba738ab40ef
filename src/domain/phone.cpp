#include "domain/phone.hpp"

namespace dialtrack::domain {

std::optional<std::string> normalize_phone(std::string_view raw) {
  constexpr std::size_t kMinDigits = 3;
  constexpr std::size_t kMaxDigits = 20;
  std::string out;
  out.reserve(raw.size());
  std::size_t digits = 0;
  for (const char c : raw) {
    if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '[' || c == ']') {
      continue;
    }
    if (c == '+') {
      if (!out.empty()) {
        return std::nullopt;  // a plus anywhere but first is not a phone number
      }
      out.push_back(c);
      continue;
    }
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    out.push_back(c);
    ++digits;
  }
  if (digits < kMinDigits || digits > kMaxDigits) {
    return std::nullopt;
  }
  return out;
}

}  // namespace dialtrack::domain
