// POST /check_task_completion and POST /check_task_completion/batch bodies.
#include <cstdlib>

#include "fuzz_json.hpp"
#include "http/decoders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dialtrack;
  constexpr std::int64_t kMaxIds = 20;
  const auto body = fuzz::body_object(data, size);
  if (!body) {
    return 0;
  }
  const auto one = http::decode_check_request(*body);
  if (const auto* id = std::get_if<std::int64_t>(&one)) {
    if (*id <= 0) {
      std::abort();
    }
  } else if (std::get<domain::FieldError>(one).field.empty()) {
    std::abort();
  }
  const auto batch = http::decode_check_batch(*body, kMaxIds);
  if (const auto* ids = std::get_if<std::vector<std::int64_t>>(&batch)) {
    if (ids->empty() || static_cast<std::int64_t>(ids->size()) > kMaxIds) {
      std::abort();
    }
    for (const auto id : *ids) {
      if (id <= 0) {
        std::abort();
      }
    }
  } else if (std::get<domain::FieldError>(batch).field.empty()) {
    std::abort();
  }
  return 0;
}
