#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "support/http_client.hpp"

namespace dialtrack::test {

/// The envelope contract of every answer: `status` is "success" exactly for 2xx, `code`
/// repeats the HTTP status, `message` is a non-empty string, `data` is an object or null.
::testing::AssertionResult is_envelope(const Response& response);

/// An error envelope with this HTTP status.
::testing::AssertionResult is_error(const Response& response, unsigned status);

/// A 400 envelope whose `data.field` names `field` exactly.
::testing::AssertionResult is_field_error(const Response& response, std::string_view field);

/// True when the text contains a CJK ideograph (a Chinese message).
bool has_chinese(std::string_view text);

}  // namespace dialtrack::test
