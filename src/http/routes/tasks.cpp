#include "http/routes/tasks.hpp"

#include <boost/url/pct_string_view.hpp>

#include "domain/phone.hpp"
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

json::object lead_detail_json(const app::LeadDetail& detail) {
  auto object = to_json(detail.lead);
  json::array records;
  for (const auto& record : detail.records) {
    records.push_back(to_json(record));
  }
  object["records"] = std::move(records);
  return object;
}

/// A phone from a path segment: percent-decoded (`%2B86...`), then normalised.
std::optional<std::string> path_phone(std::string_view segment) {
  std::string decoded;
  if (segment.find('%') != std::string_view::npos) {
    const auto view = boost::urls::make_pct_string_view(segment);
    if (!view) {
      return std::nullopt;
    }
    decoded = view->decode();
  } else {
    decoded = segment;
  }
  return domain::normalize_phone(decoded);
}

}  // namespace

TaskRoutes::TaskRoutes(app::TaskService& tasks, app::SyncService& sync, const ApiLimits& limits)
    : tasks_(tasks), sync_(sync), limits_(limits) {}

json::object TaskRoutes::with_sync(const domain::Task& task) {
  auto object = to_json(task);
  // How the last pull from the dialer went; null when the task was never synced.
  const auto sync = tasks_.sync_state(task.task_id);
  object["sync"] = sync ? json::value(to_json(*sync)) : json::value(nullptr);
  return object;
}

Reply TaskRoutes::change_task(const RequestContext& ctx, Change change, Msg done) {
  return with_path_id(ctx, "task_id", [&](domain::TaskId task_id) {
    return task_reply((tasks_.*change)(task_id), done, ctx.lang,
                      [&](const domain::Task& task) { return with_sync(task); });
  });
}

Reply TaskRoutes::create(const RequestContext& ctx) {
  auto task = decode_body(ctx, decode_new_task, limits_.max_leads_per_request);
  if (auto error = first_error(task)) {
    return std::move(*error);
  }
  return ok(with_sync(tasks_.create(std::move(std::get<app::NewTask>(task)))),
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
  return task_reply(tasks_.add_leads(std::get<std::int64_t>(id),
                                     std::move(std::get<std::vector<domain::Lead>>(leads))),
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
  return change_task(ctx, &app::TaskService::remove, Msg::kTaskDeleted);
}

Reply TaskRoutes::history(const RequestContext& ctx) {
  return with_path_id(ctx, "task_id", [&](domain::TaskId task_id) {
    return task_reply(tasks_.history(task_id), Msg::kOk, ctx.lang, history_json);
  });
}

Reply TaskRoutes::finish(const RequestContext& ctx) {
  return change_task(ctx, &app::TaskService::finish, Msg::kTaskFinished);
}

Reply TaskRoutes::set_completion(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto body = ctx.body_object();
  if (auto error = first_error(id, body)) {
    return std::move(*error);
  }
  auto policy = decode_completion(std::get<json::object>(body), "");
  if (const auto* error = std::get_if<domain::FieldError>(&policy)) {
    return bad_field(*error, ctx.lang);
  }
  const auto outcome = tasks_.set_completion(std::get<std::int64_t>(id),
                                             std::move(std::get<domain::CompletionPolicy>(policy)));
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    return task_failure(*failure, ctx.lang, 0, Msg::kCompletionLocked);
  }
  return ok(with_sync(std::get<domain::Task>(outcome)), text(Msg::kCompletionChanged, ctx.lang));
}

Reply TaskRoutes::redial(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto body = ctx.body_object(/*empty_is_object=*/true);
  if (auto error = first_error(id, body)) {
    return std::move(*error);
  }
  auto redial = decode_redial(std::get<json::object>(body));
  if (const auto* error = std::get_if<domain::FieldError>(&redial)) {
    return bad_field(*error, ctx.lang);
  }
  const auto outcome = tasks_.redial(std::get<std::int64_t>(id), std::get<app::Redial>(redial));
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    return task_failure(*failure, ctx.lang);
  }
  return ok(with_sync(std::get<domain::Task>(outcome)), text(Msg::kTaskRedialed, ctx.lang),
            Status::created);
}

Reply TaskRoutes::leads(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto page = page_query(ctx, limits_.max_page_size);
  if (auto error = first_error(id, page)) {
    return std::move(*error);
  }
  app::LeadListing listing;
  if (const auto state = ctx.query_value("state"); state && !state->empty()) {
    auto states = decode_lead_states(*state, "state");
    if (const auto* error = std::get_if<domain::FieldError>(&states)) {
      return bad_field(*error, ctx.lang);
    }
    listing.states = std::move(std::get<std::vector<domain::LeadState>>(states));
  }
  if (const auto phone = ctx.query_value("phone"); phone && !phone->empty()) {
    listing.phone = domain::normalize_phone(*phone);
    if (!listing.phone) {
      return bad_field(domain::FieldError{"phone", domain::Problem::kInvalidPhone}, ctx.lang);
    }
  }
  const auto& p = std::get<PageQuery>(page);
  listing.page = p.page;
  listing.page_size = p.page_size;
  const auto outcome = tasks_.leads(std::get<std::int64_t>(id), listing);
  if (const auto* failure = std::get_if<app::TaskFailure>(&outcome)) {
    return task_failure(*failure, ctx.lang);
  }
  auto reply = ok(nullptr, text(Msg::kOk, ctx.lang));
  reply.data_json = lead_page_json(std::get<store_api::LeadPage>(outcome), p.page, p.page_size);
  return reply;
}

Reply TaskRoutes::lead(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  if (auto error = first_error(id)) {
    return std::move(*error);
  }
  const auto phone = ctx.params.size() > 1 ? path_phone(ctx.params[1]) : std::nullopt;
  if (!phone) {
    return bad_field(domain::FieldError{"phone", domain::Problem::kInvalidPhone}, ctx.lang);
  }
  return task_reply(tasks_.lead(std::get<std::int64_t>(id), *phone), Msg::kOk, ctx.lang,
                    lead_detail_json);
}

Reply TaskRoutes::sync(const RequestContext& ctx) {
  return with_path_id(ctx, "task_id", [&](domain::TaskId task_id) {
    const auto outcome = sync_.sync_task(task_id);
    if (const auto* refusal = std::get_if<app::SyncRefusal>(&outcome)) {
      return sync_refused(*refusal, ctx.lang);
    }
    const auto& report = std::get<app::SyncReport>(outcome);
    return sync_finished(report, sync_report_json(report), ctx.lang);
  });
}

}  // namespace dialtrack::http
