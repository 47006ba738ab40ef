#include "domain/call_status.hpp"

#include <algorithm>

namespace dialtrack::domain {

bool is_valid_call_status(std::string_view status) {
  constexpr std::size_t kMaxLength = 64;
  if (status.empty() || status.size() > kMaxLength) {
    return false;
  }
  return std::all_of(status.begin(), status.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

StatusClassifier::StatusClassifier()
    : StatusClassifier({"Connected", "Succeeded", "SucceededFinish", "SucceededTransferByIntent"},
                       {"Succeeded"}) {}

StatusClassifier::StatusClassifier(std::vector<std::string> names,
                                   std::vector<std::string> prefixes)
    : names_(std::move(names)), prefixes_(std::move(prefixes)) {}

bool StatusClassifier::is_connected(std::string_view status) const {
  for (const auto& name : names_) {
    if (status == name) {
      return true;
    }
  }
  for (const auto& prefix : prefixes_) {
    if (status.starts_with(prefix)) {
      return true;
    }
  }
  return false;
}

}  // namespace dialtrack::domain
