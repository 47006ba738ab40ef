#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// When a task is complete (SPEC §6 "Completion policy"), and the state of each of its leads.
namespace dialtrack::domain {

/// What a task waits for before it completes.
enum class CompletionUntil {
  kAllConnected,  ///< every lead connected (the seed's rule, the default)
  kAllSettled,    ///< every lead connected, dead, or out of attempts
};

/// The words of the API and the config file: `all_connected`, `all_settled`.
std::string_view to_string(CompletionUntil until);
std::optional<CompletionUntil> completion_until_from_string(std::string_view text);

/// The statuses that make a number dead by default: `NotExist, EmptyNumber, OutOfService,
/// OutOfServiceNoCall, ContactBlockList, HighRiskSipCode`.
const std::vector<std::string>& default_final_statuses();

/// The highest `max_attempts` accepted.
inline constexpr std::int64_t kMaxAttemptsLimit = 1000;

/// A task's completion policy. `final_statuses` and `max_attempts` decide which leads are
/// settled under every policy (the leads' states and `settled_calls` are kept for every task);
/// `until` decides whether the task waits for them.
struct CompletionPolicy {
  CompletionUntil until = CompletionUntil::kAllConnected;
  std::optional<std::int64_t> max_attempts;                            ///< 1 ... kMaxAttemptsLimit
  std::vector<std::string> final_statuses = default_final_statuses();  ///< sorted, unique

  /// True when an attempt with this status means the number is dead.
  [[nodiscard]] bool is_final(std::string_view status) const;
  /// Sorts and de-duplicates `final_statuses`.
  void normalize();

  bool operator==(const CompletionPolicy&) const = default;
};

/// A lead's state: stored as these integers (`task_leads.state`), answered as their names.
/// The order of the checks is the order of the values: connected wins over dead, dead over
/// exhausted.
enum class LeadState : int {
  kPending = 0,      ///< still to be reached
  kConnected = 1,    ///< at least one attempt connected
  kUnreachable = 2,  ///< an attempt's status says the number is dead
  kExhausted = 3,    ///< `max_attempts` attempts, none connected
};

std::string_view to_string(LeadState state);
std::optional<LeadState> lead_state_from_string(std::string_view text);
std::optional<LeadState> lead_state_from_int(std::int64_t value);

/// The state of a lead from what is kept on its row: whether it is connected, how many of its
/// attempts have a final status, how many attempts it has, and the task's `max_attempts`. The
/// backends write this rule as SQL (storage/common/lead_state_sql.hpp); a storage test holds
/// that SQL to this function.
constexpr LeadState lead_state(bool connected, std::int64_t final_attempts, std::int64_t attempts,
                               std::optional<std::int64_t> max_attempts) {
  if (connected) {
    return LeadState::kConnected;
  }
  if (final_attempts > 0) {
    return LeadState::kUnreachable;
  }
  if (max_attempts && attempts >= *max_attempts) {
    return LeadState::kExhausted;
  }
  return LeadState::kPending;
}

/// A settled lead needs no more calls.
constexpr bool is_settled(LeadState state) {
  return state != LeadState::kPending;
}

/// The completion rule with a policy: a task with at least one lead is complete when every lead
/// is connected (`all_connected`) or settled (`all_settled`).
constexpr bool counters_say_complete(CompletionUntil until, std::int64_t total_calls,
                                     std::int64_t connected_calls, std::int64_t settled_calls) {
  const std::int64_t done = until == CompletionUntil::kAllSettled ? settled_calls : connected_calls;
  return total_calls > 0 && done == total_calls;
}

}  // namespace dialtrack::domain
