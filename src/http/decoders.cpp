#include "http/decoders.hpp"

#include <array>
#include <string_view>

#include "csv/encoding.hpp"
#include "domain/call_status.hpp"
#include "domain/phone.hpp"
#include "http/json_fields.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

namespace {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxId = 128;
constexpr std::int64_t kMaxDuration = 10'000'000;  // seconds; about 115 days

constexpr std::array<std::string_view, 10> kKnownFields{
    "call_id", "task_id",    "job_group_id", "phone",    "call_status",
    "job_id",  "started_at", "ended_at",     "duration", "event_time"};

bool is_known(std::string_view key) {
  for (const auto known : kKnownFields) {
    if (key == known) {
      return true;
    }
  }
  return false;
}

/// Fields the record carries beyond the known ones, kept as one JSON object. An `extra` object
/// in the push is merged in rather than nested.
std::optional<std::string> extra_fields(const json::object& record) {
  json::object extra;
  for (const auto& [key, value] : record) {
    if (is_known(key)) {
      continue;
    }
    if (key == "extra" && value.is_object()) {
      for (const auto& [k, v] : value.as_object()) {
        extra[k] = v;
      }
    } else {
      extra[key] = value;
    }
  }
  if (extra.empty()) {
    return std::nullopt;
  }
  return json::serialize(extra);
}

}  // namespace

DecodeResult<domain::Lead> decode_lead(const json::object& object, const std::string& prefix) {
  FieldReader in(object, prefix);
  domain::Lead lead;
  const auto raw_phone = in.string("phone", Need::kRequired, 64);
  lead.name = in.string("name", Need::kOptional, kMaxName, true);
  lead.job_id = in.string("job_id", Need::kOptional, kMaxId);
  if (const auto* attrs = in.object("attrs", Need::kOptional)) {
    if (is_finite_json(*attrs)) {
      lead.attrs_json = json::serialize(*attrs);
    } else {
      in.fail("attrs", Problem::kOutOfRange, "number");
    }
  }
  if (raw_phone) {
    if (auto phone = domain::normalize_phone(*raw_phone)) {
      lead.phone = std::move(*phone);
    } else {
      in.fail("phone", Problem::kInvalidPhone);
    }
  }
  if (in.error()) {
    return *in.error();
  }
  return lead;
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
  FieldReader in(*object, prefix);
  app::RecordInput r;
  r.index = index;
  auto call_id = in.string("call_id", Need::kRequired, kMaxId);
  r.task_id = in.integer("task_id", Need::kOptional, 1, INT64_MAX, "positive");
  r.fields.job_group_id = in.string("job_group_id", Need::kOptional, kMaxId);
  auto phone = in.string("phone", Need::kRequired, 64);
  auto status = in.string("call_status", Need::kRequired, 64);
  r.fields.job_id = in.string("job_id", Need::kOptional, kMaxId);
  r.fields.started_at = in.time("started_at", Need::kOptional);
  r.fields.ended_at = in.time("ended_at", Need::kOptional);
  r.fields.duration = in.integer("duration", Need::kOptional, 0, kMaxDuration, "non-negative");
  r.fields.event_time = in.time("event_time", Need::kOptional);
  if (phone) {
    if (auto normalised = domain::normalize_phone(*phone)) {
      r.phone = std::move(*normalised);
    } else {
      in.fail("phone", Problem::kInvalidPhone);
    }
  }
  if (status && !domain::is_valid_call_status(*status)) {
    in.fail("call_status", Problem::kInvalidStatus);
  }
  // Fields beyond the known ones are stored as JSON text: a number JSON cannot carry is refused.
  for (const auto& [key, value] : *object) {
    if (!is_known(key) && !is_finite_json(value)) {
      in.fail(key, Problem::kOutOfRange, "number");
    }
  }
  if (!r.fields.job_group_id) {
    r.fields.job_group_id = batch_group;
  }
  if (!in.error() && !r.task_id && !r.fields.job_group_id) {
    // Neither names the task: report the field a dialer is most likely to add.
    in.fail("task_id", Problem::kRequired);
  }
  if (in.error()) {
    std::string reported_id;
    if (const auto* id = object->if_contains("call_id"); id != nullptr && id->is_string()) {
      reported_id = std::string(id->as_string()).substr(0, kMaxId);
    }
    return app::Rejection{index, std::move(reported_id), app::RejectReason::kInvalidField,
                          *in.error()};
  }
  r.call_id = std::move(*call_id);
  r.fields.call_status = std::move(*status);
  r.fields.extra_json = extra_fields(*object);
  return r;
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
  auto name = in.string("name", Need::kRequired, kMaxName);
  task.job_group_id = in.string("job_group_id", Need::kOptional, kMaxId);
  const auto* leads = in.array("leads", Need::kOptional);
  if (in.error()) {
    return *in.error();
  }
  task.name = std::move(*name);
  if (leads != nullptr) {
    auto decoded = decode_leads(*leads, max_leads);
    if (auto* error = std::get_if<domain::FieldError>(&decoded)) {
      return std::move(*error);
    }
    task.leads = std::move(std::get<std::vector<domain::Lead>>(decoded));
  }
  return task;
}

DecodeResult<std::vector<domain::Lead>> decode_added_leads(const json::object& body,
                                                           std::int64_t max_leads) {
  FieldReader in(body, "");
  const auto* leads = in.array("leads", Need::kRequired);
  if (in.error()) {
    return *in.error();
  }
  if (leads->empty()) {
    return domain::FieldError{"leads", Problem::kEmpty};
  }
  return decode_leads(*leads, max_leads);
}

DecodeResult<RecordBatch> decode_record_batch(const json::object& body, std::int64_t max_records) {
  FieldReader in(body, "");
  const auto batch_group = in.string("job_group_id", Need::kOptional, kMaxId);
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
  if (utf8_length(text) > kMaxNameSearch) {
    return domain::FieldError{"q", Problem::kTooLong, {}, static_cast<long long>(kMaxNameSearch)};
  }
  return std::optional<std::string>{text};
}

DecodeResult<std::vector<std::int64_t>> decode_check_batch(const json::object& body,
                                                           std::int64_t max_ids) {
  FieldReader in(body, "");
  const auto* ids = in.array("task_ids", Need::kRequired);
  if (in.error()) {
    return *in.error();
  }
  if (ids->empty()) {
    return domain::FieldError{"task_ids", Problem::kEmpty};
  }
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
