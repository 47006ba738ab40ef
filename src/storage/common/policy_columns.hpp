#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/completion.hpp"
#include "domain/types.hpp"
#include "store_api/leads.hpp"

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

/// The page `query` asks for of the leads found by its phone key (a handful: one, or the leads
/// that share a key since the migration to phone keys), filtered by its states.
store_api::LeadPage key_page(std::vector<store_api::LeadView> found,
                             const store_api::LeadQuery& query);

}  // namespace dialtrack::storage::policy_columns
