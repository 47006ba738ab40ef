#include "domain/lead_draft.hpp"

#include "domain/phone.hpp"

namespace dialtrack::domain {

std::variant<Lead, FieldError> validate(const LeadDraft& draft, std::string_view prefix) {
  FieldChecker in{std::string(prefix)};
  Lead lead;
  const auto raw_phone = in.string("phone", draft.phone, Need::kRequired, kMaxPhone);
  lead.name = in.string("name", draft.name, Need::kOptional, kMaxName, true);
  lead.job_id = in.string("job_id", draft.job_id, Need::kOptional, kMaxId);
  if (draft.attrs_error) {
    const auto& e = *draft.attrs_error;
    in.fail(e.field, e.problem, e.expected, e.limit);
  }
  if (raw_phone) {
    if (auto phone = normalize_phone(*raw_phone)) {
      lead.phone = std::move(*phone);
    } else {
      in.fail("phone", Problem::kInvalidPhone);
    }
  }
  if (in.error()) {
    return *in.error();
  }
  lead.attrs_json = draft.attrs_json;
  return lead;
}

}  // namespace dialtrack::domain
