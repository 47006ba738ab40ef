#include "support/assertions.hpp"

#include <boost/json/serialize.hpp>
#include <string>

namespace dialtrack::test {

::testing::AssertionResult is_envelope(const Response& response) {
  if (!response.is_json || !response.json.is_object()) {
    return ::testing::AssertionFailure() << "not a JSON object: " << response.describe();
  }
  const auto& envelope = response.json.as_object();
  const auto* status = envelope.if_contains("status");
  const auto* code = envelope.if_contains("code");
  const auto* message = envelope.if_contains("message");
  const auto* data = envelope.if_contains("data");
  if (status == nullptr || code == nullptr || message == nullptr || data == nullptr) {
    return ::testing::AssertionFailure()
           << "missing one of status/code/message/data: " << response.describe();
  }
  const bool success = response.status >= 200 && response.status < 300;
  if (!status->is_string() || status->as_string() != (success ? "success" : "error")) {
    return ::testing::AssertionFailure()
           << "status should be " << (success ? "success" : "error") << ": " << response.describe();
  }
  if (!(code->is_int64() && code->get_int64() == static_cast<std::int64_t>(response.status)) &&
      !(code->is_uint64() && code->get_uint64() == response.status)) {
    return ::testing::AssertionFailure()
           << "code should repeat the HTTP status: " << response.describe();
  }
  if (!message->is_string() || message->as_string().empty()) {
    return ::testing::AssertionFailure()
           << "message should be a non-empty string: " << response.describe();
  }
  if (!data->is_object() && !data->is_null()) {
    return ::testing::AssertionFailure()
           << "data should be an object or null: " << response.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_error(const Response& response, unsigned status) {
  if (response.status != status) {
    return ::testing::AssertionFailure()
           << "expected HTTP " << status << ", got " << response.describe();
  }
  return is_envelope(response);
}

::testing::AssertionResult is_field_error(const Response& response, std::string_view field) {
  auto envelope = is_error(response, 400);
  if (!envelope) {
    return envelope;
  }
  const auto& data = response.json.as_object().at("data");
  const auto* named = data.is_object() ? data.as_object().if_contains("field") : nullptr;
  if (named == nullptr || !named->is_string() || named->as_string() != field) {
    return ::testing::AssertionFailure()
           << "expected data.field == \"" << field << "\", got " << response.describe();
  }
  return ::testing::AssertionSuccess();
}

bool has_chinese(std::string_view text) {
  // CJK Unified Ideographs U+4E00..U+9FFF are encoded in UTF-8 as E4 B8 80 .. E9 BF BF.
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xE4 && lead <= 0xE9) {
      return true;
    }
  }
  return false;
}

}  // namespace dialtrack::test
