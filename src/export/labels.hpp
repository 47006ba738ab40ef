#pragma once

#include <optional>
#include <string_view>

#include "domain/bilingual.hpp"
#include "domain/completion.hpp"

namespace dialtrack::exports {

/// The Chinese and English words for a call status or a lead state.
using StatusLabel = domain::Bilingual;

/// The label of a dialer's call status (the dashboard's table, web/src/statuses.js, compiled in);
/// nothing for a status outside it.
std::optional<StatusLabel> status_label(std::string_view status);
/// The label of a lead state.
StatusLabel lead_state_label(domain::LeadState state);

}  // namespace dialtrack::exports
