#pragma once

#include <string_view>

#include "support/http_client.hpp"

namespace dialtrack::test {

/// Keeps every answer the tests receive, so tests/openapi/validate_answers.mjs can check it
/// against docs/openapi.yaml after the suite (tests/integration/CMakeLists.txt). Active only
/// when DIALTRACK_API_ANSWERS names a directory (created if missing): each answer is appended to
/// `<pid>.jsonl` there as one line `{"method", "path", "status", "content_type", "body"}`, where
/// `path` is the request target as sent (query included) and `body` the JSON answer as
/// received, or null when the body is not JSON. An answer with no known request (one the
/// server sent before any request, or to bytes that were not HTTP) has empty method and path.
void log_answer(std::string_view method, std::string_view target, const Response& response);

}  // namespace dialtrack::test
