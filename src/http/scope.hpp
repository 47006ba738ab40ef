#pragma once

#include <optional>

namespace dialtrack::http {

/// What a token may do. Each scope includes the ones before it: `write` may also read, `admin`
/// may do everything.
enum class Scope { kRead = 1, kWrite = 2, kAdmin = 3 };

/// The scope of a route anyone may call, with or without a token: health, the dashboard, the
/// API documentation. Every route of the table (http/api.cpp) names its scope, this or a Scope.
inline constexpr std::optional<Scope> kPublic = std::nullopt;

}  // namespace dialtrack::http
