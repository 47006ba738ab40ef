#include "http/routes/tasks.hpp"

#include "http/decoders.hpp"
#include "http/json_fields.hpp"
#include "http/json_mapping.hpp"
#include "http/outcomes.hpp"

namespace dialtrack::http {

namespace json = boost::json;

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
  auto body = ctx.body_object();
  if (auto* error = std::get_if<Reply>(&body)) {
    return std::move(*error);
  }
  auto task = decode_new_task(std::get<json::object>(body), limits_.max_leads_per_request);
  if (const auto* error = std::get_if<domain::FieldError>(&task)) {
    return bad_field(*error, ctx.lang);
  }
  return ok(with_sync(tasks_.create(std::get<app::NewTask>(task))),
            text(Msg::kTaskCreated, ctx.lang), Status::created);
}

Reply TaskRoutes::list(const RequestContext& ctx) {
  auto type = ctx.query_optional_int("task_type", 1, 4, "task_type");
  auto page = ctx.query_int("page", 1, 1, INT32_MAX, "positive");
  auto page_size = ctx.query_int("page_size", 20, 1, limits_.max_page_size, "page_size");
  for (auto* error :
       {std::get_if<Reply>(&type), std::get_if<Reply>(&page), std::get_if<Reply>(&page_size)}) {
    if (error != nullptr) {
      return std::move(*error);
    }
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
  query.page = std::get<std::int64_t>(page);
  query.page_size = std::get<std::int64_t>(page_size);
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
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  const auto task = tasks_.get(std::get<std::int64_t>(id));
  if (!task) {
    return not_found(Missing::kTask, ctx.lang);
  }
  return ok(with_sync(*task), text(Msg::kOk, ctx.lang));
}

Reply TaskRoutes::add_leads(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  auto body = ctx.body_object();
  if (auto* error = std::get_if<Reply>(&body)) {
    return std::move(*error);
  }
  auto decoded = decode_added_leads(std::get<json::object>(body), limits_.max_leads_per_request);
  if (const auto* error = std::get_if<domain::FieldError>(&decoded)) {
    return bad_field(*error, ctx.lang);
  }
  const auto outcome =
      tasks_.add_leads(std::get<std::int64_t>(id), std::get<std::vector<domain::Lead>>(decoded));
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    return task_failure(*failure, ctx.lang);
  }
  const auto& added = std::get<app::LeadsAdded>(outcome);
  return ok(json::object{{"added", added.added},
                         {"duplicates", added.duplicates},
                         {"total_calls", added.total_calls}},
            text(Msg::kLeadsAdded, ctx.lang));
}

Reply TaskRoutes::start(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  auto body = ctx.body_object(true);
  if (auto* error = std::get_if<Reply>(&body)) {
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
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  const auto outcome = tasks_.remove(std::get<std::int64_t>(id));
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    return task_failure(*failure, ctx.lang);
  }
  return ok(with_sync(std::get<domain::Task>(outcome)), text(Msg::kTaskDeleted, ctx.lang));
}

Reply TaskRoutes::history(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  const auto outcome = tasks_.history(std::get<std::int64_t>(id));
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    return task_failure(*failure, ctx.lang);
  }
  json::array items;
  for (const auto& t : std::get<std::vector<domain::Transition>>(outcome)) {
    items.push_back(to_json(t));
  }
  return ok(json::object{{"items", std::move(items)}}, text(Msg::kOk, ctx.lang));
}

}  // namespace dialtrack::http
