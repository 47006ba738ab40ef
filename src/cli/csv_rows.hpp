#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "app/ingest_service.hpp"
#include "domain/types.hpp"
#include "http/messages.hpp"

namespace dialtrack::cli {

/// The language of the CSV commands' messages (a refused row's reason, the summary): English.
inline constexpr auto kCsvLanguage = http::Language::kEnglish;

/// The row mappings of the CSV imports: each turns one row (the header's lower-cased names and
/// the row's trimmed cells) into the draft the API's decoders also fill, and validates it with
/// the same domain rules, so an imported row is accepted or refused exactly as the same fields
/// pushed as JSON. A refused row's reason names its column as the API names the field.

/// A row of `import-leads`: `phone`, `name` and `job_id` columns; every other named column is
/// one of the lead's attributes. Empty cells are absent.
std::variant<domain::Lead, std::string> lead_of_row(const std::vector<std::string>& header,
                                                    const std::vector<std::string>& values);

/// A row of `import-records`, the columns named like the fields of a push; `index` is the
/// record's place in its batch. A cell of a column that takes a number (`task_id`, `duration`,
/// the times) and reads as an integer is one (times as Unix seconds or milliseconds, as in
/// JSON); every other cell is text; empty cells are absent. The columns the store sets itself
/// (`connected`, `created_at`, `updated_at`, as `export-records` writes them) are ignored;
/// other columns become extra fields, and an `extra` cell holding a JSON object is merged into
/// them.
std::variant<app::RecordInput, std::string> record_of_row(const std::vector<std::string>& header,
                                                          const std::vector<std::string>& values,
                                                          std::size_t index);

}  // namespace dialtrack::cli
