#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/types.hpp"
#include "domain/validation.hpp"

namespace dialtrack::domain {

/// One lead as `POST /tasks` (and `.../leads`) carries it or a CSV import row gives it, before
/// validation. The JSON decoder (http/decoders.cpp) and the CSV row mapping
/// (cli/csv_rows.cpp) both fill one, so both follow the same rules.
struct LeadDraft {
  std::optional<InputValue> phone;
  std::optional<InputValue> name;
  std::optional<InputValue> job_id;
  /// The lead's own attributes as one JSON object's text: kept with the lead, never read.
  std::optional<std::string> attrs_json;
  /// A problem the source found with `attrs` (named `attrs`, without prefix): not an object,
  /// or a number JSON cannot carry. Reported after the rules of the fields above.
  std::optional<FieldError> attrs_error;
};

/// The lead, or its first problem, with the field named under `prefix` (`leads[3]`; empty: the
/// bare names, as a CSV import reports them). The rules, checked in this order: `phone`
/// required text of at most kMaxPhone code points, `name` optional text (kMaxName, may be
/// empty), `job_id` optional text (kMaxId, not empty), `attrs_error`, then the phone must
/// normalise. Text never holds NUL.
std::variant<Lead, FieldError> validate(const LeadDraft& draft, std::string_view prefix);

}  // namespace dialtrack::domain
