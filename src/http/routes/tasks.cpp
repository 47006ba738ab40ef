#include "http/routes/tasks.hpp"

#include "http/decoders.hpp"
#include "http/json_fields.hpp"
#include "http/json_mapping.hpp"
#include "http/outcomes.hpp"
#include "http/routes/handlers.hpp"

namespace dialtrack::http {

namespace json = boost::json;

namespace {

/// The reply to a task use case: its failure's status, or 200 with `message` and the JSON that
/// `data` makes of what the use case answered.
template <typename T, typename Data>
Reply task_reply(const app::TaskOutcome<T>& outcome, Msg message, Language lang, Data data) {
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    return task_failure(*failure, lang);
  }
  return ok(data(std::get<T>(outcome)), text(message, lang));
}

json::object leads_added_json(const app::LeadsAdded& added) {
  return {
      {"added", added.added}, {"duplicates", added.duplicates}, {"total_calls", added.total_calls}};
}

json::object history_json(const std::vector<domain::Transition>& history) {
  json::array items;
  for (const auto& t : history) {
    items.push_back(to_json(t));
  }
  return {{"items", std::move(items)}};
}

}  // namespace

TaskRoutes::TaskRoutes(app::TaskService& tasks, const ApiLimits& limits)
    : tasks_(tasks), limits_(limits) {}

json::object TaskRoutes::with_sync(const domain::Task& task) {
  auto object = to_json(task);
  // How the last pull from the dialer went; null when the task was never synced.
  const auto sync = tasks_.sync_state(task.task_id);
  object["sync"] = sync ? json::value(to_json(*sync)) : json::value(nullptr);
  return object;
}

Reply TaskRoutes::create(const RequestContext& ctx) {
  auto task = decode_body(ctx, decode_new_task, limits_.max_leads_per_request);
  if (auto error = first_error(task)) {
    return std::move(*error);
  }
  return ok(with_sync(tasks_.create(std::get<app::NewTask>(task))),
            text(Msg::kTaskCreated, ctx.lang), Status::created);
}

Reply TaskRoutes::list(const RequestContext& ctx) {
  auto type = ctx.query_optional_int("task_type", 1, 4, "task_type");
  auto page = page_query(ctx, limits_.max_page_size);
  if (auto error = first_error(type, page)) {
    return std::move(*error);
  }
  auto name = decode_name_search(ctx.query_value("q"));
  if (const auto* error = std::get_if<domain::FieldError>(&name)) {
    return bad_field(*error, ctx.lang);
  }
  store_api::TaskListQuery query;
  if (const auto t = std::get<std::optional<std::int64_t>>(type)) {
    query.task_type = domain::task_type_from_int(*t);
  }
  query.name_contains = std::move(std::get<std::optional<std::string>>(name));
  query.page = std::get<PageQuery>(page).page;
  query.page_size = std::get<PageQuery>(page).page_size;
  const auto result = tasks_.list(query);
  json::array items;
  for (const auto& task : result.items) {
    items.push_back(to_json(task));
  }
  return ok(json::object{{"items", std::move(items)},
                         {"total", result.total},
                         {"page", query.page},
                         {"page_size", query.page_size}},
            text(Msg::kOk, ctx.lang));
}

Reply TaskRoutes::get(const RequestContext& ctx) {
  return with_path_id(ctx, "task_id", [&](domain::TaskId task_id) {
    return found_reply(tasks_.get(task_id), Missing::kTask, ctx.lang,
                       [&](const domain::Task& task) { return with_sync(task); });
  });
}

Reply TaskRoutes::add_leads(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto leads = decode_body(ctx, decode_added_leads, limits_.max_leads_per_request);
  if (auto error = first_error(id, leads)) {
    return std::move(*error);
  }
  return task_reply(
      tasks_.add_leads(std::get<std::int64_t>(id), std::get<std::vector<domain::Lead>>(leads)),
      Msg::kLeadsAdded, ctx.lang, leads_added_json);
}

Reply TaskRoutes::start(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto body = ctx.body_object(true);
  if (auto error = first_error(id, body)) {
    return std::move(*error);
  }
  FieldReader in(std::get<json::object>(body), "");
  const auto job_group_id = in.string("job_group_id", Need::kOptional, domain::kMaxId);
  if (in.error()) {
    return bad_field(*in.error(), ctx.lang);
  }
  const auto task_id = std::get<std::int64_t>(id);
  const auto outcome = tasks_.start(task_id, job_group_id);
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    const auto task = tasks_.get(task_id);
    return task_failure(*failure, ctx.lang, task ? static_cast<int>(task->task_type) : 0);
  }
  return ok(with_sync(std::get<domain::Task>(outcome)), text(Msg::kOk, ctx.lang));
}

Reply TaskRoutes::remove(const RequestContext& ctx) {
  return with_path_id(ctx, "task_id", [&](domain::TaskId task_id) {
    return task_reply(tasks_.remove(task_id), Msg::kTaskDeleted, ctx.lang,
                      [&](const domain::Task& task) { return with_sync(task); });
  });
}

Reply TaskRoutes::history(const RequestContext& ctx) {
  return with_path_id(ctx, "task_id", [&](domain::TaskId task_id) {
    return task_reply(tasks_.history(task_id), Msg::kOk, ctx.lang, history_json);
  });
}

}  // namespace dialtrack::http
