#include "http/routes/exports.hpp"

#include <memory>

#include "domain/calendar.hpp"
#include "http/decoders.hpp"
#include "http/outcomes.hpp"

namespace dialtrack::http {
namespace {

/// An export as a response body: each piece one page of the file, written on the worker pool.
class ExportStream final : public BodyStream {
 public:
  explicit ExportStream(std::shared_ptr<exports::Job> job) : job_(std::move(job)) {}

  boost::asio::awaitable<std::optional<std::string>> next(const StreamContext& ctx) override {
    // No temporaries in the co_await expression: GCC 12 destroys them twice.
    auto piece = on_workers(ctx, [job = job_] { return job->next(); });
    auto result = co_await std::move(piece);
    co_return result;
  }

 private:
  std::shared_ptr<exports::Job> job_;
};

}  // namespace

ExportRoutes::ExportRoutes(app::TaskService& tasks, const exports::Exporter& exporter,
                           std::chrono::minutes utc_offset)
    : tasks_(tasks), exporter_(exporter), utc_offset_(utc_offset) {}

Reply ExportRoutes::start(const RequestContext& ctx, exports::Kind kind, exports::Format format) {
  auto id = ctx.path_id(0, "task_id");
  if (auto* error = std::get_if<Reply>(&id)) {
    return std::move(*error);
  }
  exports::Request request;
  request.task_id = std::get<std::int64_t>(id);
  request.kind = kind;
  request.format = format;
  request.utc_offset = utc_offset_;
  if (auto offset = ctx.query_value("utc_offset"); offset && !offset->empty()) {
    // A `+` left unencoded in a query string reads as a space.
    if (offset->front() == ' ') {
      offset->front() = '+';
    }
    const auto parsed = domain::parse_utc_offset(*offset);
    if (!parsed) {
      return bad_field({"utc_offset", domain::Problem::kOutOfRange, "utc_offset"}, ctx.lang);
    }
    request.utc_offset = *parsed;
  }
  if (const auto state = ctx.query_value("state");
      kind == exports::Kind::kLeads && state && !state->empty()) {
    auto states = decode_lead_states(*state, "state");
    if (const auto* error = std::get_if<domain::FieldError>(&states)) {
      return bad_field(*error, ctx.lang);
    }
    request.states = std::move(std::get<std::vector<domain::LeadState>>(states));
  }
  if (!tasks_.get(request.task_id)) {
    return not_found(Missing::kTask, ctx.lang);
  }
  Reply reply;
  reply.content_type = exports::content_type(format);
  reply.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"" + exports::file_name(request) + "\"");
  reply.headers.emplace_back("Cache-Control", "no-store");
  reply.stream = std::make_shared<ExportStream>(exporter_.start(request));
  return reply;
}

}  // namespace dialtrack::http
