#pragma once

#include <string_view>

namespace dialtrack::http {

/// docs/openapi.yaml as it was at build time (embedded by cmake/embed_openapi.cmake), served
/// at `GET /openapi.yaml`.
std::string_view openapi_yaml();

}  // namespace dialtrack::http
