#include "domain/completion.hpp"

#include <algorithm>
#include <array>

namespace dialtrack::domain {

namespace {

constexpr std::array<std::string_view, 4> kLeadStates{"pending", "connected", "unreachable",
                                                      "exhausted"};

}  // namespace

std::string_view to_string(CompletionUntil until) {
  return until == CompletionUntil::kAllSettled ? "all_settled" : "all_connected";
}

std::optional<CompletionUntil> completion_until_from_string(std::string_view text) {
  if (text == "all_connected") {
    return CompletionUntil::kAllConnected;
  }
  if (text == "all_settled") {
    return CompletionUntil::kAllSettled;
  }
  return std::nullopt;
}

const std::vector<std::string>& default_final_statuses() {
  static const std::vector<std::string> kStatuses = [] {
    std::vector<std::string> s{"NotExist",           "EmptyNumber",      "OutOfService",
                               "OutOfServiceNoCall", "ContactBlockList", "HighRiskSipCode"};
    std::sort(s.begin(), s.end());
    return s;
  }();
  return kStatuses;
}

bool CompletionPolicy::is_final(std::string_view status) const {
  return std::binary_search(final_statuses.begin(), final_statuses.end(), status);
}

void CompletionPolicy::normalize() {
  std::sort(final_statuses.begin(), final_statuses.end());
  final_statuses.erase(std::unique(final_statuses.begin(), final_statuses.end()),
                       final_statuses.end());
}

std::string_view to_string(LeadState state) {
  return kLeadStates.at(static_cast<std::size_t>(state));
}

std::optional<LeadState> lead_state_from_string(std::string_view text) {
  for (std::size_t i = 0; i < kLeadStates.size(); ++i) {
    if (kLeadStates[i] == text) {
      return static_cast<LeadState>(i);
    }
  }
  return std::nullopt;
}

std::optional<LeadState> lead_state_from_int(std::int64_t value) {
  if (value >= 0 && value < static_cast<std::int64_t>(kLeadStates.size())) {
    return static_cast<LeadState>(value);
  }
  return std::nullopt;
}

}  // namespace dialtrack::domain
