// POST /tasks and POST /tasks/{id}/leads bodies: decode_new_task and decode_added_leads.
#include <cstdlib>

#include "domain/phone.hpp"
#include "fuzz_json.hpp"
#include "http/decoders.hpp"

namespace {

void check_leads(const std::vector<dialtrack::domain::Lead>& leads) {
  for (const auto& lead : leads) {
    // A decoded lead's phone is already normalised: normalising again changes nothing.
    if (dialtrack::domain::normalize_phone(lead.phone) != lead.phone) {
      std::abort();
    }
    if (lead.attrs_json) {
      // attrs are stored as JSON text and must read back as an object.
      boost::system::error_code ec;
      const auto attrs = boost::json::parse(*lead.attrs_json, ec);
      if (ec || !attrs.is_object()) {
        std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dialtrack;
  constexpr std::int64_t kMaxLeads = 100;  // small, so the "too many" branch is reachable
  const auto body = fuzz::body_object(data, size);
  if (!body) {
    return 0;
  }
  const auto task = http::decode_new_task(*body, kMaxLeads);
  if (const auto* decoded = std::get_if<app::NewTask>(&task)) {
    if (decoded->name.empty() || static_cast<std::int64_t>(decoded->leads.size()) > kMaxLeads) {
      std::abort();
    }
    check_leads(decoded->leads);
  } else if (std::get<domain::FieldError>(task).field.empty()) {
    std::abort();  // every error names its field
  }
  const auto added = http::decode_added_leads(*body, kMaxLeads);
  if (const auto* leads = std::get_if<std::vector<domain::Lead>>(&added)) {
    if (leads->empty()) {
      std::abort();
    }
    check_leads(*leads);
  } else if (std::get<domain::FieldError>(added).field.empty()) {
    std::abort();
  }
  return 0;
}
