#pragma once

#include <string>
#include <string_view>

/// domain::lead_state written as SQL, the same text on both backends: a lead row `l`, its task
/// row `t`. tests/storage/store_lead_state_test.cpp holds it to the domain function over every
/// combination of its inputs.
namespace dialtrack::storage {

inline constexpr const char* kLeadStateSql =
    "(CASE WHEN l.connected_at IS NOT NULL THEN 1 WHEN l.final_attempts > 0 THEN 2 "
    "WHEN t.max_attempts IS NOT NULL AND l.attempts >= t.max_attempts THEN 3 ELSE 0 END)";

/// The same rule where the lead is connected when `connected` (an SQL condition) holds and has
/// `final_attempts` and `attempts` (SQL expressions): for a statement that moves leads and sets
/// their states at once.
inline std::string lead_state_sql(std::string_view connected, std::string_view final_attempts,
                                  std::string_view attempts) {
  return "(CASE WHEN " + std::string(connected) + " THEN 1 WHEN " + std::string(final_attempts) +
         " > 0 THEN 2 WHEN t.max_attempts IS NOT NULL AND " + std::string(attempts) +
         " >= t.max_attempts THEN 3 ELSE 0 END)";
}

}  // namespace dialtrack::storage
