#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/completion.hpp"
#include "domain/types.hpp"

/// How both backends store a task's completion policy (`completion`, `max_attempts`,
/// `final_statuses`: the statuses joined by commas, which a status token never holds) and read
/// the leads' states.
namespace dialtrack::storage::policy_columns {

std::string final_statuses(const domain::CompletionPolicy& policy);

domain::CompletionPolicy read(std::string_view completion, std::optional<std::int64_t> max_attempts,
                              std::string_view final_statuses);

/// The states as a bit mask (bit `state` set for each), for `(mask >> state) & 1` in SQL.
std::int64_t state_mask(std::span<const domain::LeadState> states);

/// How many of a task's leads are in these states, from its counters (every lead is in
/// exactly one state: connected, unreachable, exhausted = settled - connected - unreachable,
/// pending = total - settled). Empty: every lead.
std::int64_t leads_in_states(const domain::Task& task, std::span<const domain::LeadState> states);

}  // namespace dialtrack::storage::policy_columns
