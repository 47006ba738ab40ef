#include "http/decoders.hpp"

#include <algorithm>
#include <string_view>

#include "csv/encoding.hpp"
#include "domain/call_status.hpp"
#include "domain/json_text.hpp"
#include "domain/lead_draft.hpp"
#include "http/json_fields.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

namespace {

bool is_known(std::string_view key) {
  return std::find(domain::kRecordFields.begin(), domain::kRecordFields.end(), key) !=
         domain::kRecordFields.end();
}

/// The array `key` of `body`, which must be there and hold at least one item, or the error that
/// says why it does not.
DecodeResult<const json::array*> nonempty_array(const json::object& body, std::string_view key) {
  FieldReader in(body, "");
  const auto* items = in.array(key, Need::kRequired);
  if (in.error()) {
    return *in.error();
  }
  if (items->empty()) {
    return domain::FieldError{std::string(key), Problem::kEmpty};
  }
  return items;
}

}  // namespace

void add_extra_fields(const json::object& record, domain::RecordDraft& draft) {
  json::object extra;
  for (const auto& [key, value] : record) {
    if (is_known(key)) {
      continue;
    }
    // They are stored as JSON text: a number JSON cannot carry is refused.
    if (!draft.extra_error && !is_finite_json(value)) {
      draft.extra_error = domain::FieldError{std::string(key), Problem::kOutOfRange, "number"};
    }
    if (key == "extra" && value.is_object()) {
      for (const auto& [k, v] : value.as_object()) {
        extra[k] = v;
      }
    } else {
      extra[key] = value;
    }
  }
  if (!extra.empty()) {
    draft.extra_json = domain::json_text(extra);
  }
}

DecodeResult<domain::Lead> decode_lead(const json::object& object, const std::string& prefix) {
  domain::LeadDraft draft;
  draft.phone = input_value(object.if_contains("phone"));
  draft.name = input_value(object.if_contains("name"));
  draft.job_id = input_value(object.if_contains("job_id"));
  if (const auto* attrs = object.if_contains("attrs"); attrs != nullptr && !attrs->is_null()) {
    if (!attrs->is_object()) {
      draft.attrs_error = domain::FieldError{"attrs", Problem::kWrongType, "object"};
    } else if (!is_finite_json(*attrs)) {
      draft.attrs_error = domain::FieldError{"attrs", Problem::kOutOfRange, "number"};
    } else {
      draft.attrs_json = domain::json_text(*attrs);
    }
  }
  return domain::validate(draft, prefix);
}

std::variant<app::RecordInput, app::Rejection> decode_record(
    const json::value& item, std::size_t index, const std::optional<std::string>& batch_group) {
  return decode_record(item, index, batch_group, "records[" + std::to_string(index) + "]");
}

std::variant<app::RecordInput, app::Rejection> decode_record(
    const json::value& item, std::size_t index, const std::optional<std::string>& batch_group,
    const std::string& prefix) {
  const auto* object = item.if_object();
  if (object == nullptr) {
    return app::Rejection{index, "", app::RejectReason::kInvalidField,
                          domain::FieldError{prefix, Problem::kWrongType, "object"}};
  }
  domain::RecordDraft draft;
  for (const auto name : domain::kRecordFields) {
    *draft.field(name) = input_value(object->if_contains(name));
  }
  if (!draft.job_group_id && batch_group) {
    draft.job_group_id = *batch_group;
  }
  add_extra_fields(*object, draft);
  auto valid = domain::validate(draft, prefix);
  if (auto* error = std::get_if<domain::FieldError>(&valid)) {
    return app::Rejection{index, domain::reported_call_id(draft), app::RejectReason::kInvalidField,
                          std::move(*error)};
  }
  auto& record = std::get<app::RecordInput>(valid);
  record.index = index;
  return std::move(record);
}

DecodeResult<std::vector<domain::Lead>> decode_leads(const json::array& items,
                                                     std::int64_t max_leads) {
  if (static_cast<std::int64_t>(items.size()) > max_leads) {
    return domain::FieldError{"leads", Problem::kTooMany, {}, max_leads};
  }
  std::vector<domain::Lead> leads;
  leads.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = "leads[" + std::to_string(i) + "]";
    const auto* object = items[i].if_object();
    if (object == nullptr) {
      return domain::FieldError{prefix, Problem::kWrongType, "object"};
    }
    auto lead = decode_lead(*object, prefix);
    if (auto* error = std::get_if<domain::FieldError>(&lead)) {
      return std::move(*error);
    }
    leads.push_back(std::move(std::get<domain::Lead>(lead)));
  }
  return leads;
}

DecodeResult<app::NewTask> decode_new_task(const json::object& body, std::int64_t max_leads) {
  FieldReader in(body, "");
  app::NewTask task;
  auto name = in.string("name", Need::kRequired, domain::kMaxName);
  task.job_group_id = in.string("job_group_id", Need::kOptional, domain::kMaxId);
  const auto* leads = in.array("leads", Need::kOptional);
  if (in.error()) {
    return *in.error();
  }
  task.name = std::move(*name);
  if (const auto* completion = body.if_contains("completion");
      completion != nullptr && !completion->is_null()) {
    if (!completion->is_object()) {
      return domain::FieldError{"completion", Problem::kWrongType, "object"};
    }
    auto policy = decode_completion(completion->as_object(), "completion");
    if (auto* error = std::get_if<domain::FieldError>(&policy)) {
      return std::move(*error);
    }
    task.completion = std::move(std::get<domain::CompletionPolicy>(policy));
  }
  if (leads != nullptr) {
    auto decoded = decode_leads(*leads, max_leads);
    if (auto* error = std::get_if<domain::FieldError>(&decoded)) {
      return std::move(*error);
    }
    task.leads = std::move(std::get<std::vector<domain::Lead>>(decoded));
  }
  return task;
}

DecodeResult<domain::CompletionPolicy> decode_completion(const json::object& object,
                                                         const std::string& prefix) {
  constexpr std::size_t kMaxStatuses = 100;
  FieldReader in(object, prefix);
  const std::string dot = prefix.empty() ? "" : prefix + ".";
  const auto until = in.string("until", Need::kRequired, 32);
  const auto max_attempts =
      in.integer("max_attempts", Need::kOptional, 1, domain::kMaxAttemptsLimit, "max_attempts");
  const auto* statuses = in.array("final_statuses", Need::kOptional);
  if (in.error()) {
    return *in.error();
  }
  domain::CompletionPolicy policy;
  const auto parsed = domain::completion_until_from_string(*until);
  if (!parsed) {
    return domain::FieldError{dot + "until", Problem::kOutOfRange, "completion_until"};
  }
  policy.until = *parsed;
  policy.max_attempts = max_attempts;
  if (statuses != nullptr) {
    if (statuses->size() > kMaxStatuses) {
      return domain::FieldError{dot + "final_statuses", Problem::kTooMany, "",
                                static_cast<long long>(kMaxStatuses)};
    }
    policy.final_statuses.clear();
    for (std::size_t i = 0; i < statuses->size(); ++i) {
      const auto field = dot + "final_statuses[" + std::to_string(i) + "]";
      const auto* status = (*statuses)[i].if_string();
      if (status == nullptr) {
        return domain::FieldError{field, Problem::kWrongType, "string"};
      }
      if (!domain::is_valid_call_status(*status)) {
        return domain::FieldError{field, Problem::kInvalidStatus};
      }
      policy.final_statuses.emplace_back(*status);
    }
  }
  policy.normalize();
  return policy;
}

DecodeResult<std::vector<domain::LeadState>> decode_lead_states(std::string_view text,
                                                                const std::string& field) {
  if (text == "not_connected") {
    return std::vector{domain::LeadState::kPending, domain::LeadState::kUnreachable,
                       domain::LeadState::kExhausted};
  }
  if (const auto state = domain::lead_state_from_string(text)) {
    return std::vector{*state};
  }
  return domain::FieldError{field, Problem::kOutOfRange, "lead_state"};
}

DecodeResult<app::Redial> decode_redial(const json::object& body) {
  constexpr std::size_t kMaxStates = 8;
  FieldReader in(body, "");
  app::Redial redial;
  redial.name = in.string("name", Need::kOptional, domain::kMaxName);
  redial.job_group_id = in.string("job_group_id", Need::kOptional, domain::kMaxId);
  const auto* states = in.array("states", Need::kOptional);
  if (in.error()) {
    return *in.error();
  }
  if (states != nullptr) {
    if (states->size() > kMaxStates) {
      return domain::FieldError{"states", Problem::kTooMany, "",
                                static_cast<long long>(kMaxStates)};
    }
    for (std::size_t i = 0; i < states->size(); ++i) {
      const auto field = "states[" + std::to_string(i) + "]";
      const auto* name = (*states)[i].if_string();
      if (name == nullptr) {
        return domain::FieldError{field, Problem::kWrongType, "string"};
      }
      auto decoded = decode_lead_states(*name, field);
      if (auto* error = std::get_if<domain::FieldError>(&decoded)) {
        return std::move(*error);
      }
      for (const auto state : std::get<std::vector<domain::LeadState>>(decoded)) {
        if (std::find(redial.states.begin(), redial.states.end(), state) == redial.states.end()) {
          redial.states.push_back(state);
        }
      }
    }
    if (redial.states.empty()) {
      return domain::FieldError{"states", Problem::kEmpty};
    }
  }
  return redial;
}

DecodeResult<std::vector<domain::Lead>> decode_added_leads(const json::object& body,
                                                           std::int64_t max_leads) {
  const auto leads = nonempty_array(body, "leads");
  if (const auto* error = std::get_if<domain::FieldError>(&leads)) {
    return *error;
  }
  return decode_leads(*std::get<const json::array*>(leads), max_leads);
}

DecodeResult<RecordBatch> decode_record_batch(const json::object& body, std::int64_t max_records) {
  FieldReader in(body, "");
  const auto batch_group = in.string("job_group_id", Need::kOptional, domain::kMaxId);
  const auto* items = in.array("records", Need::kRequired);
  if (in.error()) {
    return *in.error();
  }
  if (static_cast<std::int64_t>(items->size()) > max_records) {
    return domain::FieldError{"records", Problem::kTooMany, {}, max_records};
  }
  RecordBatch batch;
  batch.records.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto decoded = decode_record((*items)[i], i, batch_group);
    if (auto* input = std::get_if<app::RecordInput>(&decoded)) {
      batch.records.push_back(std::move(*input));
    } else {
      batch.rejected.push_back(std::move(std::get<app::Rejection>(decoded)));
    }
  }
  return batch;
}

DecodeResult<std::int64_t> decode_check_request(const json::object& body) {
  FieldReader in(body, "");
  const auto task_id = in.integer("task_id", Need::kRequired, 1, INT64_MAX, "positive");
  // The caller's view of the state is only validated; the answer reports the stored state.
  in.integer("task_type", Need::kOptional, 1, 4, "task_type");
  if (in.error()) {
    return *in.error();
  }
  return *task_id;
}

DecodeResult<std::optional<std::string>> decode_name_search(const std::optional<std::string>& q) {
  if (!q) {
    return std::optional<std::string>{};
  }
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const auto first = q->find_first_not_of(kSpace);
  if (first == std::string::npos) {
    return std::optional<std::string>{};
  }
  const auto text = std::string_view(*q).substr(first, q->find_last_not_of(kSpace) + 1 - first);
  if (text.find('\0') != std::string_view::npos) {
    return domain::FieldError{"q", Problem::kNulCharacter};
  }
  if (!csv::is_valid_utf8(text)) {
    return domain::FieldError{"q", Problem::kInvalidUtf8};
  }
  if (domain::utf8_length(text) > kMaxNameSearch) {
    return domain::FieldError{"q", Problem::kTooLong, {}, static_cast<long long>(kMaxNameSearch)};
  }
  return std::optional<std::string>{text};
}

DecodeResult<std::vector<std::int64_t>> decode_check_batch(const json::object& body,
                                                           std::int64_t max_ids) {
  const auto array = nonempty_array(body, "task_ids");
  if (const auto* error = std::get_if<domain::FieldError>(&array)) {
    return *error;
  }
  const auto* ids = std::get<const json::array*>(array);
  if (static_cast<std::int64_t>(ids->size()) > max_ids) {
    return domain::FieldError{"task_ids", Problem::kTooMany, {}, max_ids};
  }
  std::vector<std::int64_t> task_ids;
  task_ids.reserve(ids->size());
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const std::string field = "task_ids[" + std::to_string(i) + "]";
    if (!(*ids)[i].is_number()) {
      return domain::FieldError{field, Problem::kWrongType, "integer"};
    }
    const auto id = as_int64((*ids)[i]);
    if (!id || *id <= 0) {
      return domain::FieldError{field, Problem::kOutOfRange, "positive"};
    }
    task_ids.push_back(*id);
  }
  return task_ids;
}

}  // namespace dialtrack::http
