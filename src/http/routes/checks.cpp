#include "http/routes/checks.hpp"

#include "domain/json_text.hpp"
#include "http/decoders.hpp"
#include "http/json_mapping.hpp"
#include "http/outcomes.hpp"
#include "http/routes/handlers.hpp"

namespace dialtrack::http {

namespace {

std::string check_message(const app::CheckResult& result, Language lang) {
  switch (result.task.task_type) {
    case domain::TaskType::kCompleted: {
      const auto& t = result.task;
      if (t.completion_reason == domain::reason::kManualFinish) {
        return finished_by_hand_text(t.connected_calls, t.total_calls, lang);
      }
      if (t.connected_calls < t.total_calls) {
        return all_settled_text(t.connected_calls, t.total_calls, lang);
      }
      return text(Msg::kTaskCompleted, lang);
    }
    case domain::TaskType::kDeleted:
      return text(Msg::kTaskDeleted, lang);
    case domain::TaskType::kCreated:
    case domain::TaskType::kCalling:
      break;
  }
  return not_completed_text(result.task.connected_calls, result.task.total_calls, lang);
}

/// A check's answer, its data written without a DOM.
Reply check_reply(const app::CheckResult& result, Language lang) {
  auto reply = ok(nullptr, check_message(result, lang));
  reply.data_json = check_text(result);
  return reply;
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
    return not_found(Missing::kTask, lang);
  }
  if (result->completed_now) {
    completed_by_manual_.inc();
  }
  return check_reply(*result, lang);
}

Reply CheckRoutes::check_post(const RequestContext& ctx) {
  auto task_id = decode_body(ctx, decode_check_request);
  if (auto error = first_error(task_id)) {
    return std::move(*error);
  }
  return check_one(std::get<std::int64_t>(task_id), ctx.lang);
}

Reply CheckRoutes::check_get(const RequestContext& ctx) {
  return with_path_id(ctx, "task_id",
                      [&](domain::TaskId task_id) { return check_one(task_id, ctx.lang); });
}

std::optional<Reply> CheckRoutes::check_get_without_blocking(const RequestContext& ctx) {
  auto task_id = ctx.path_id(0, "task_id");
  if (auto error = first_error(task_id)) {
    return std::move(*error);
  }
  auto peek = completion_.check_without_blocking(std::get<std::int64_t>(task_id));
  if (!peek.answered) {
    return std::nullopt;
  }
  if (!peek.result) {
    return not_found(Missing::kTask, ctx.lang);
  }
  return check_reply(*peek.result, ctx.lang);
}

Reply CheckRoutes::check_batch(const RequestContext& ctx) {
  auto decoded = decode_body(ctx, decode_check_batch, limits_.max_batch_check);
  if (auto error = first_error(decoded)) {
    return std::move(*error);
  }
  const auto& task_ids = std::get<std::vector<std::int64_t>>(decoded);
  // Written as text like a single check's answer (write_check_members), not as DOMs.
  std::string data;
  domain::JsonWriter out(data);
  out.begin_object().key("results").begin_array();
  for (const auto task_id : task_ids) {
    const auto result = completion_.check(task_id, domain::reason::kBatchCheck);
    out.begin_object();
    if (!result) {
      out.key("task_id").integer(task_id).key("error").string(text(Msg::kTaskNotFound, ctx.lang));
      out.end_object();
      continue;
    }
    if (result->completed_now) {
      completed_by_batch_.inc();
    }
    write_check_members(out, *result);
    out.key("message").string(check_message(*result, ctx.lang)).end_object();
  }
  out.end_array().end_object();
  auto reply = ok(nullptr, text(Msg::kOk, ctx.lang));
  reply.data_json = std::move(data);
  return reply;
}

}  // namespace dialtrack::http
