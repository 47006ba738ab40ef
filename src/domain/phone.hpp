#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dialtrack::domain {

/// Normalises a phone number: spaces, dashes and brackets are removed, one leading `+` is
/// kept, and what remains must be 3-20 digits. Returns nothing for anything else.
std::optional<std::string> normalize_phone(std::string_view raw);

}  // namespace dialtrack::domain
