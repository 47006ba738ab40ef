#include "http/routes/records.hpp"

#include <array>

#include "domain/call_status.hpp"
#include "domain/phone.hpp"
#include "http/json_fields.hpp"
#include "http/json_mapping.hpp"
#include "http/routes/checks.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

namespace {

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

namespace {

metrics::Counter& records_counter(metrics::Registry& m, const char* outcome) {
  return m.counter("dialtrack_records_total", "call records pushed, by outcome",
                   {{"outcome", outcome}});
}

}  // namespace

RecordRoutes::RecordRoutes(app::IngestService& ingest, app::CompletionService& completion,
                           const ApiLimits& limits, metrics::Registry& metrics)
    : ingest_(ingest),
      completion_(completion),
      limits_(limits),
      accepted_(records_counter(metrics, "accepted")),
      updated_(records_counter(metrics, "updated")),
      unchanged_(records_counter(metrics, "unchanged")),
      stale_(records_counter(metrics, "stale")),
      rejected_(records_counter(metrics, "rejected")),
      completed_by_ingest_(completions_counter(metrics, domain::reason::kRecordsIngested)),
      completed_by_followup_(completions_counter(metrics, domain::reason::kFollowupQuery)) {}

Reply RecordRoutes::ingest(const RequestContext& ctx) {
  auto body = ctx.body_object();
  if (auto* error = std::get_if<Reply>(&body)) {
    return std::move(*error);
  }
  FieldReader in(std::get<json::object>(body), "");
  const auto batch_group = in.string("job_group_id", Need::kOptional, kMaxId);
  const auto* items = in.array("records", Need::kRequired);
  if (in.error()) {
    return bad_field(*in.error(), ctx.lang);
  }
  if (static_cast<std::int64_t>(items->size()) > limits_.max_records_per_batch) {
    return bad_field({"records", Problem::kTooMany, {}, limits_.max_records_per_batch}, ctx.lang);
  }
  std::vector<app::RecordInput> records;
  std::vector<app::Rejection> rejected;
  records.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto decoded = decode_record((*items)[i], i, batch_group);
    if (auto* input = std::get_if<app::RecordInput>(&decoded)) {
      records.push_back(std::move(*input));
    } else {
      rejected.push_back(std::move(std::get<app::Rejection>(decoded)));
    }
  }
  const auto result = ingest_.ingest(records, std::move(rejected));
  accepted_.inc(static_cast<std::uint64_t>(result.accepted));
  updated_.inc(static_cast<std::uint64_t>(result.updated));
  unchanged_.inc(static_cast<std::uint64_t>(result.unchanged));
  stale_.inc(static_cast<std::uint64_t>(result.stale));
  rejected_.inc(result.rejected.size());
  completed_by_ingest_.inc(result.completed_tasks.size());
  json::array rejected_json;
  for (const auto& r : result.rejected) {
    rejected_json.push_back(json::object{
        {"index", r.index}, {"call_id", r.call_id}, {"error", rejection_text(r, ctx.lang)}});
  }
  json::array completed;
  for (const auto id : result.completed_tasks) {
    completed.push_back(id);
  }
  return ok(json::object{{"accepted", result.accepted},
                         {"updated", result.updated},
                         {"unchanged", result.unchanged},
                         {"stale", result.stale},
                         {"rejected", std::move(rejected_json)},
                         {"completed_tasks", std::move(completed)}},
            text(Msg::kRecordsStored, ctx.lang));
}

Reply RecordRoutes::followup(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto page = ctx.query_int("page", 1, 1, INT32_MAX, "positive");
  auto page_size = ctx.query_int("page_size", 20, 1, limits_.max_page_size, "page_size");
  for (auto* error :
       {std::get_if<Reply>(&id), std::get_if<Reply>(&page), std::get_if<Reply>(&page_size)}) {
    if (error != nullptr) {
      return std::move(*error);
    }
  }
  const auto task_id = std::get<std::int64_t>(id);
  const auto result = completion_.followup(task_id, std::get<std::int64_t>(page),
                                           std::get<std::int64_t>(page_size));
  if (!result) {
    return fail(Status::not_found, text(Msg::kTaskNotFound, ctx.lang));
  }
  if (result->check.completed_now) {
    completed_by_followup_.inc();
  }
  json::array records;
  for (const auto& record : result->records.items) {
    records.push_back(to_json(record));
  }
  auto data = check_json(result->check);
  data["records"] = std::move(records);
  data["total_records"] = result->records.total;
  data["page"] = std::get<std::int64_t>(page);
  data["page_size"] = std::get<std::int64_t>(page_size);
  return ok(std::move(data), text(Msg::kOk, ctx.lang));
}

}  // namespace dialtrack::http
