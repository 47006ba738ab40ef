#include "http/routes/reports.hpp"

#include "csv/csv_writer.hpp"
#include "domain/time.hpp"
#include "http/outcomes.hpp"
#include "http/routes/handlers.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::Problem;

namespace {

constexpr std::string_view kCsvType = "text/csv; charset=utf-8";

/// `?format=`: json (default) or csv.
Decoded<bool> wants_csv(const RequestContext& ctx) {
  const auto it = ctx.query.find_last("format");
  if (it == ctx.query.end() || (*it).value.empty() || (*it).value == "json") {
    return false;
  }
  if ((*it).value == "csv") {
    return true;
  }
  return bad_field({"format", Problem::kOutOfRange, "format"}, ctx.lang);
}

Reply csv_reply(std::string body) {
  Reply reply;
  reply.raw_body = std::move(body);
  reply.content_type = std::string(kCsvType);
  return reply;
}

json::value optional_time(const std::optional<domain::Timestamp>& at) {
  if (!at) {
    return nullptr;
  }
  return json::string(domain::format_timestamp(*at));
}

json::array status_json(const std::vector<app::StatusCount>& counts) {
  json::array out;
  for (const auto& c : counts) {
    out.push_back(json::object{{"call_status", c.call_status}, {"count", c.count}});
  }
  return out;
}

/// A query parameter's text, or nothing when absent or empty.
std::optional<std::string> query_text(const RequestContext& ctx, std::string_view name) {
  const auto it = ctx.query.find_last(name);
  if (it == ctx.query.end() || (*it).value.empty()) {
    return std::nullopt;
  }
  return std::string((*it).value);
}

json::object day_json(const app::DaySummary& d) {
  return {{"date", domain::format_date(d.day)},   {"tasks_created", d.tasks_created},
          {"tasks_completed", d.tasks_completed}, {"calls", d.calls},
          {"connected_calls", d.connected_calls}, {"connect_rate", d.connect_rate}};
}

}  // namespace

json::object task_report_json(const app::TaskReport& r) {
  json::array histogram;
  for (const auto& h : r.attempts_histogram) {
    histogram.push_back(json::object{{"attempts", h.attempts}, {"phones", h.phones}});
  }
  json::array hours;
  for (const auto& h : r.calls_per_hour) {
    hours.push_back(json::object{{"hour", domain::format_timestamp(h.hour)},
                                 {"calls", h.calls},
                                 {"connected_calls", h.connected_calls}});
  }
  return {{"task_id", r.task.task_id},
          {"name", r.task.name},
          {"task_type", static_cast<int>(r.task.task_type)},
          {"total_phones", r.task.total_calls},
          {"phones_called", r.phones_called},
          {"connected_phones", r.task.connected_calls},
          {"calls", r.calls},
          {"connected_calls", r.connected_calls},
          {"connect_rate", r.connect_rate},
          {"phone_connect_rate", r.phone_connect_rate},
          {"attempts_per_phone", r.attempts_per_phone},
          {"attempts_histogram", std::move(histogram)},
          {"status_latest", status_json(r.status_latest)},
          {"status_all", status_json(r.status_all)},
          {"talk_time", json::object{{"total_seconds", r.talk_seconds},
                                     {"average_seconds", r.talk_average_seconds}}},
          {"calls_per_hour", std::move(hours)},
          {"first_call_at", optional_time(r.first_call_at)},
          {"last_call_at", optional_time(r.last_call_at)}};
}

std::string task_report_csv(const app::TaskReport& r) {
  std::string out(csv::kUtf8Bom);
  csv::Writer w(out);
  w.row({"section", "key", "value"});
  auto number = [&](std::string_view section, std::string_view key, auto value) {
    w.field(section).field(key).field(value);
    w.end_row();
  };
  number("summary", "task_id", r.task.task_id);
  w.field("summary").field("name").field(std::string_view(r.task.name));
  w.end_row();
  number("summary", "task_type", std::int64_t{static_cast<int>(r.task.task_type)});
  number("summary", "total_phones", r.task.total_calls);
  number("summary", "phones_called", r.phones_called);
  number("summary", "connected_phones", r.task.connected_calls);
  number("summary", "calls", r.calls);
  number("summary", "connected_calls", r.connected_calls);
  number("summary", "connect_rate", r.connect_rate);
  number("summary", "phone_connect_rate", r.phone_connect_rate);
  number("summary", "attempts_per_phone", r.attempts_per_phone);
  number("summary", "talk_total_seconds", r.talk_seconds);
  number("summary", "talk_average_seconds", r.talk_average_seconds);
  const auto time_text = [](const std::optional<domain::Timestamp>& at) {
    return at ? domain::format_timestamp(*at) : std::string();
  };
  w.field("summary").field("first_call_at").field(std::string_view(time_text(r.first_call_at)));
  w.end_row();
  w.field("summary").field("last_call_at").field(std::string_view(time_text(r.last_call_at)));
  w.end_row();
  for (const auto& s : r.status_latest) {
    number("status_latest", s.call_status, s.count);
  }
  for (const auto& s : r.status_all) {
    number("status_all", s.call_status, s.count);
  }
  for (const auto& h : r.attempts_histogram) {
    number("attempts_histogram", std::to_string(h.attempts), h.phones);
  }
  for (const auto& h : r.calls_per_hour) {
    const auto hour = domain::format_timestamp(h.hour);
    number("calls_per_hour", hour, h.calls);
    number("connected_calls_per_hour", hour, h.connected_calls);
  }
  return out;
}

ReportRoutes::ReportRoutes(app::ReportService& reports) : reports_(reports) {}

Reply ReportRoutes::task(const RequestContext& ctx) {
  auto id = ctx.path_id(0, "task_id");
  auto csv = wants_csv(ctx);
  if (auto error = first_error(id, csv)) {
    return std::move(*error);
  }
  const auto report = reports_.task_report(std::get<std::int64_t>(id));
  if (!report) {
    return not_found(Missing::kTask, ctx.lang);
  }
  if (std::get<bool>(csv)) {
    return csv_reply(task_report_csv(*report));
  }
  return ok(task_report_json(*report), text(Msg::kOk, ctx.lang));
}

Reply ReportRoutes::summary(const RequestContext& ctx) {
  auto csv = wants_csv(ctx);
  if (auto error = first_error(csv)) {
    return std::move(*error);
  }
  std::chrono::minutes offset{0};
  if (auto offset_text = query_text(ctx, "utc_offset")) {
    // A `+` left unencoded in a query string reads as a space.
    if (offset_text->front() == ' ') {
      offset_text->front() = '+';
    }
    const auto parsed = domain::parse_utc_offset(*offset_text);
    if (!parsed) {
      return bad_field({"utc_offset", Problem::kOutOfRange, "utc_offset"}, ctx.lang);
    }
    offset = *parsed;
  }
  app::SummaryRange range;
  range.utc_offset = offset;
  range.to = reports_.today(offset);
  if (const auto to = query_text(ctx, "to")) {
    const auto day = domain::parse_date(*to);
    if (!day) {
      return bad_field({"to", Problem::kOutOfRange, "date"}, ctx.lang);
    }
    range.to = *day;
  }
  range.from = range.to - 6;
  if (const auto from = query_text(ctx, "from")) {
    const auto day = domain::parse_date(*from);
    if (!day) {
      return bad_field({"from", Problem::kOutOfRange, "date"}, ctx.lang);
    }
    range.from = *day;
  }
  if (range.from > range.to || range.to - range.from + 1 > app::ReportService::kMaxSummaryDays) {
    return bad_field({"from", Problem::kOutOfRange, "date_range"}, ctx.lang);
  }
  const auto days = reports_.summary(range);
  if (std::get<bool>(csv)) {
    return csv_reply(summary_csv(days));
  }
  return ok(summary_json(range, days), text(Msg::kOk, ctx.lang));
}

json::object summary_json(const app::SummaryRange& range,
                          const std::vector<app::DaySummary>& days) {
  json::array items;
  for (const auto& d : days) {
    items.push_back(day_json(d));
  }
  return {{"from", domain::format_date(range.from)},
          {"to", domain::format_date(range.to)},
          {"utc_offset", domain::format_utc_offset(range.utc_offset)},
          {"days", std::move(items)}};
}

std::string summary_csv(const std::vector<app::DaySummary>& days) {
  std::string out(csv::kUtf8Bom);
  csv::Writer w(out);
  w.row({"date", "tasks_created", "tasks_completed", "calls", "connected_calls", "connect_rate"});
  for (const auto& d : days) {
    w.field(std::string_view(domain::format_date(d.day)))
        .field(d.tasks_created)
        .field(d.tasks_completed)
        .field(d.calls)
        .field(d.connected_calls)
        .field(d.connect_rate);
    w.end_row();
  }
  return out;
}

}  // namespace dialtrack::http
