#include "http/routes/checks.hpp"

#include "http/json_fields.hpp"
#include "http/json_mapping.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

namespace {

std::string check_message(const app::CheckResult& result, Language lang) {
  switch (result.task.task_type) {
    case domain::TaskType::kCompleted:
      return text(Msg::kTaskCompleted, lang);
    case domain::TaskType::kDeleted:
      return text(Msg::kTaskDeleted, lang);
    case domain::TaskType::kCreated:
    case domain::TaskType::kCalling:
      break;
  }
  return not_completed_text(result.task.connected_calls, result.task.total_calls, lang);
}

}  // namespace

metrics::Counter& completions_counter(metrics::Registry& m, std::string_view trigger) {
  return m.counter("dialtrack_completions_total", "tasks completed (2 -> 3), by trigger",
                   {{"trigger", std::string(trigger)}});
}

CheckRoutes::CheckRoutes(app::CompletionService& completion, const ApiLimits& limits,
                         metrics::Registry& metrics)
    : completion_(completion),
      limits_(limits),
      completed_by_manual_(completions_counter(metrics, domain::reason::kManualCheck)),
      completed_by_batch_(completions_counter(metrics, domain::reason::kBatchCheck)) {}

Reply CheckRoutes::check_one(std::int64_t task_id, Language lang) {
  const auto result = completion_.check(task_id, domain::reason::kManualCheck);
  if (!result) {
    return fail(Status::not_found, text(Msg::kTaskNotFound, lang));
  }
  if (result->completed_now) {
    completed_by_manual_.inc();
  }
  return ok(check_json(*result), check_message(*result, lang));
}

Reply CheckRoutes::check_post(const RequestContext& ctx) {
  auto body = ctx.body_object();
  if (auto* error = std::get_if<Reply>(&body)) {
    return std::move(*error);
  }
  FieldReader in(std::get<json::object>(body), "");
  const auto task_id = in.integer("task_id", Need::kRequired, 1, INT64_MAX, "positive");
  // The caller's view of the state is only validated; the answer reports the stored state.
  in.integer("task_type", Need::kOptional, 1, 4, "task_type");
  if (in.error()) {
    return bad_field(*in.error(), ctx.lang);
  }
  return check_one(*task_id, ctx.lang);
}

Reply CheckRoutes::check_get(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  return check_one(std::get<std::int64_t>(id), ctx.lang);
}

Reply CheckRoutes::check_batch(const RequestContext& ctx) {
  auto body = ctx.body_object();
  if (auto* error = std::get_if<Reply>(&body)) {
    return std::move(*error);
  }
  FieldReader in(std::get<json::object>(body), "");
  const auto* ids = in.array("task_ids", Need::kRequired);
  if (in.error()) {
    return bad_field(*in.error(), ctx.lang);
  }
  if (ids->empty()) {
    return bad_field({"task_ids", Problem::kEmpty}, ctx.lang);
  }
  if (static_cast<std::int64_t>(ids->size()) > limits_.max_batch_check) {
    return bad_field({"task_ids", Problem::kTooMany, {}, limits_.max_batch_check}, ctx.lang);
  }
  std::vector<std::int64_t> task_ids;
  task_ids.reserve(ids->size());
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const std::string field = "task_ids[" + std::to_string(i) + "]";
    if (!(*ids)[i].is_number()) {
      return bad_field({field, Problem::kWrongType, "integer"}, ctx.lang);
    }
    const auto id = as_int64((*ids)[i]);
    if (!id || *id <= 0) {
      return bad_field({field, Problem::kOutOfRange, "positive"}, ctx.lang);
    }
    task_ids.push_back(*id);
  }
  json::array results;
  for (const auto task_id : task_ids) {
    const auto result = completion_.check(task_id, domain::reason::kBatchCheck);
    if (!result) {
      results.push_back(
          json::object{{"task_id", task_id}, {"error", text(Msg::kTaskNotFound, ctx.lang)}});
      continue;
    }
    if (result->completed_now) {
      completed_by_batch_.inc();
    }
    auto item = check_json(*result);
    item["message"] = check_message(*result, ctx.lang);
    results.push_back(std::move(item));
  }
  return ok(json::object{{"results", std::move(results)}}, text(Msg::kOk, ctx.lang));
}

}  // namespace dialtrack::http
