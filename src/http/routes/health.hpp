#pragma once

#include <string_view>

#include "http/router.hpp"

namespace dialtrack::http {

/// `GET /healthz`: answers which database the service runs on.
Reply health(const RequestContext& ctx, std::string_view backend);

}  // namespace dialtrack::http
