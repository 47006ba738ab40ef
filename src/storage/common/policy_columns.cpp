#include "storage/common/policy_columns.hpp"

#include <algorithm>

namespace dialtrack::storage::policy_columns {

std::string final_statuses(const domain::CompletionPolicy& policy) {
  std::string out;
  for (const auto& status : policy.final_statuses) {
    if (!out.empty()) {
      out += ',';
    }
    out += status;
  }
  return out;
}

domain::CompletionPolicy read(std::string_view completion, std::optional<std::int64_t> max_attempts,
                              std::string_view final_statuses) {
  domain::CompletionPolicy policy;
  policy.until = domain::completion_until_from_string(completion)
                     .value_or(domain::CompletionUntil::kAllConnected);
  policy.max_attempts = max_attempts;
  // Most tasks keep the default statuses, which `policy` holds already: nothing to split, copy
  // or sort (a check reads a task row per request).
  static const std::string kDefault = policy_columns::final_statuses(domain::CompletionPolicy{});
  if (final_statuses == kDefault) {
    return policy;
  }
  policy.final_statuses.clear();
  while (!final_statuses.empty()) {
    const auto comma = final_statuses.find(',');
    const auto status = final_statuses.substr(0, comma);
    if (!status.empty()) {
      policy.final_statuses.emplace_back(status);
    }
    final_statuses =
        comma == std::string_view::npos ? std::string_view{} : final_statuses.substr(comma + 1);
  }
  policy.normalize();
  return policy;
}

std::int64_t state_mask(std::span<const domain::LeadState> states) {
  std::int64_t mask = 0;
  for (const auto state : states) {
    mask |= std::int64_t{1} << static_cast<int>(state);
  }
  return mask;
}

std::int64_t leads_in_states(const domain::Task& task, std::span<const domain::LeadState> states) {
  if (states.empty()) {
    return task.total_calls;
  }
  const std::int64_t mask = state_mask(states);
  std::int64_t total = 0;
  auto in = [mask](domain::LeadState s) { return (mask >> static_cast<int>(s) & 1) != 0; };
  if (in(domain::LeadState::kConnected)) {
    total += task.connected_calls;
  }
  if (in(domain::LeadState::kUnreachable)) {
    total += task.unreachable_calls;
  }
  if (in(domain::LeadState::kExhausted)) {
    total += task.settled_calls - task.connected_calls - task.unreachable_calls;
  }
  if (in(domain::LeadState::kPending)) {
    total += task.total_calls - task.settled_calls;
  }
  return total;
}

store_api::LeadPage key_page(std::vector<store_api::LeadView> found,
                             const store_api::LeadQuery& query) {
  std::erase_if(found, [&](const store_api::LeadView& v) {
    return !query.states.empty() &&
           std::find(query.states.begin(), query.states.end(), v.state) == query.states.end();
  });
  store_api::LeadPage page;
  page.total = static_cast<std::int64_t>(found.size());
  const std::int64_t offset = query.offset();
  for (std::int64_t i = offset; i < page.total && i < offset + query.page_size; ++i) {
    page.items.push_back(std::move(found[static_cast<std::size_t>(i)]));
  }
  return page;
}

}  // namespace dialtrack::storage::policy_columns
