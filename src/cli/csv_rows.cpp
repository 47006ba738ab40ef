#include "cli/csv_rows.hpp"

#include <boost/json.hpp>

#include "domain/integer.hpp"
#include "domain/lead_draft.hpp"
#include "domain/record_draft.hpp"
#include "http/decoders.hpp"
#include "http/messages.hpp"

namespace dialtrack::cli {

namespace json = boost::json;

std::variant<domain::Lead, std::string> lead_of_row(const std::vector<std::string>& header,
                                                    const std::vector<std::string>& values) {
  domain::LeadDraft draft;
  json::object attrs;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto& key = header[i];
    const auto& value = values[i];
    if (value.empty()) {
      continue;
    }
    if (key == "phone") {
      draft.phone = value;
    } else if (key == "name") {
      draft.name = value;
    } else if (key == "job_id") {
      draft.job_id = value;
    } else if (!key.empty()) {
      attrs[key] = value;
    }
  }
  if (!attrs.empty()) {
    draft.attrs_json = json::serialize(attrs);
  }
  auto lead = domain::validate(draft, "");
  if (auto* error = std::get_if<domain::FieldError>(&lead)) {
    return http::field_error_text(*error, kCsvLanguage);
  }
  return std::move(std::get<domain::Lead>(lead));
}

std::variant<app::RecordInput, std::string> record_of_row(const std::vector<std::string>& header,
                                                          const std::vector<std::string>& values,
                                                          std::size_t index) {
  domain::RecordDraft draft;
  json::object others;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto& key = header[i];
    const auto& value = values[i];
    if (value.empty() || key.empty() || key == "connected" || key == "created_at" ||
        key == "updated_at") {
      continue;
    }
    if (auto* field = draft.field(key)) {
      const bool numeric_field = key == "task_id" || key == "duration" || key == "started_at" ||
                                 key == "ended_at" || key == "event_time";
      if (const auto number = numeric_field ? domain::parse_int64(value) : std::nullopt) {
        *field = *number;
      } else {
        *field = value;
      }
      continue;
    }
    if (key == "extra") {
      boost::system::error_code ec;
      auto parsed = json::parse(value, ec);
      if (!ec && parsed.is_object()) {
        others[key] = std::move(parsed);
        continue;
      }
    }
    others[key] = value;
  }
  http::add_extra_fields(others, draft);
  auto valid = domain::validate(draft, "");
  if (auto* error = std::get_if<domain::FieldError>(&valid)) {
    return http::field_error_text(*error, kCsvLanguage);
  }
  auto& record = std::get<app::RecordInput>(valid);
  record.index = index;
  return std::move(record);
}

}  // namespace dialtrack::cli
