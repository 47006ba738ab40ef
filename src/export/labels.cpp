#include "export/labels.hpp"

#include <array>

#include "domain/enum_names.hpp"

namespace dialtrack::exports {
namespace {

// The lead states of web/src/i18n.js: the same words as the dashboard. status_label() is
// generated from web/src/statuses.js (cmake/embed_status_labels.cmake).
using domain::LeadState;
constexpr std::array<domain::EnumName<LeadState, StatusLabel>, 4> kLeadStates{{
    {LeadState::kPending, {"待呼叫", "Pending"}},
    {LeadState::kConnected, {"已接通", "Connected"}},
    {LeadState::kUnreachable, {"无法接通", "Unreachable"}},
    {LeadState::kExhausted, {"次数用尽", "Out of attempts"}},
}};
static_assert(domain::names_each_value(kLeadStates, LeadState::kPending, LeadState::kExhausted));

}  // namespace

StatusLabel lead_state_label(domain::LeadState state) {
  return domain::name_of(kLeadStates, state, {"", ""});
}

}  // namespace dialtrack::exports
