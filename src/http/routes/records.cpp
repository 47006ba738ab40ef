#include "http/routes/records.hpp"

#include "http/decoders.hpp"
#include "http/json_mapping.hpp"
#include "http/outcomes.hpp"
#include "http/routes/checks.hpp"
#include "http/routes/handlers.hpp"

namespace dialtrack::http {

namespace json = boost::json;

namespace {

metrics::Counter& records_counter(metrics::Registry& m, const char* outcome) {
  return m.counter("dialtrack_records_total", "call records pushed, by outcome",
                   {{"outcome", outcome}});
}

/// The rows a follow-up page answered on the I/O thread reads at most (its offset and its
/// size): SQLite steps over every row an OFFSET skips, so a deep page is a worker's job.
constexpr std::int64_t kInlineFollowupRows = 1'000;

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
  auto decoded = decode_body(ctx, decode_record_batch, limits_.max_records_per_batch);
  if (auto error = first_error(decoded)) {
    return std::move(*error);
  }
  auto& batch = std::get<RecordBatch>(decoded);
  const auto result = ingest_.ingest(batch.records, std::move(batch.rejected));
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
  auto page = page_query(ctx, limits_.max_page_size);
  if (auto error = first_error(id, page)) {
    return std::move(*error);
  }
  const auto [p, size] = std::get<PageQuery>(page);
  const auto result = completion_.followup(std::get<std::int64_t>(id), p, size);
  if (!result) {
    return not_found(Missing::kTask, ctx.lang);
  }
  if (result->check.completed_now) {
    completed_by_followup_.inc();
  }
  auto reply = ok(nullptr, text(Msg::kOk, ctx.lang));
  reply.data_json = followup_json(*result, p, size);
  return reply;
}

std::optional<Reply> RecordRoutes::followup_without_blocking(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto page = page_query(ctx, limits_.max_page_size);
  if (auto error = first_error(id, page)) {
    return std::move(*error);
  }
  const auto [p, size] = std::get<PageQuery>(page);
  if (p * size > kInlineFollowupRows) {
    return std::nullopt;
  }
  FollowupJson data(p, size);
  const auto peek =
      completion_.followup_without_blocking(std::get<std::int64_t>(id), p, size, data);
  if (!peek.answered) {
    return std::nullopt;  // `data` may hold part of a page: the worker writes it again
  }
  if (!peek.found) {
    return not_found(Missing::kTask, ctx.lang);
  }
  // No check here completes the task (that is a write, left to `followup`): nothing to count.
  auto reply = ok(nullptr, text(Msg::kOk, ctx.lang));
  reply.data_json = std::move(data).finish();
  return reply;
}

}  // namespace dialtrack::http
