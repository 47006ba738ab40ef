#include "http/json_mapping.hpp"

#include <algorithm>

#include "domain/time.hpp"

namespace dialtrack::http {

namespace json = boost::json;
using domain::format_timestamp;

namespace {

json::value optional_string(const std::optional<std::string>& value) {
  if (value) {
    return json::string(*value);
  }
  return nullptr;
}

json::value optional_time(const std::optional<domain::Timestamp>& value) {
  if (value) {
    return json::string(format_timestamp(*value));
  }
  return nullptr;
}

json::value stored_json(const std::optional<std::string>& text) {
  if (!text) {
    return nullptr;
  }
  boost::system::error_code ec;
  auto value = json::parse(*text, ec);
  return ec ? json::value(nullptr) : value;
}

void write_string(domain::JsonWriter& out, const std::optional<std::string>& value) {
  if (value) {
    out.string(*value);
  } else {
    out.null();
  }
}

void write_time(domain::JsonWriter& out, domain::Timestamp at) {
  domain::TimestampBuffer buffer;
  out.string(format_timestamp(at, buffer));
}

void write_time(domain::JsonWriter& out, const std::optional<domain::Timestamp>& value) {
  if (value) {
    write_time(out, *value);
  } else {
    out.null();
  }
}

void write_integer(domain::JsonWriter& out, const std::optional<std::int64_t>& value) {
  if (value) {
    out.integer(*value);
  } else {
    out.null();
  }
}

/// What stored_json answers, written: the stored text's parse, null when absent or unreadable.
void write_stored_json(domain::JsonWriter& out, const std::optional<std::string>& text) {
  if (text) {
    out.reparsed(*text);
  } else {
    out.null();
  }
}

}  // namespace

json::object to_json(const domain::Task& task) {
  return {
      {"task_id", task.task_id},
      {"name", task.name},
      {"job_group_id", optional_string(task.job_group_id)},
      {"task_type", static_cast<int>(task.task_type)},
      {"total_calls", task.total_calls},
      {"connected_calls", task.connected_calls},
      {"settled_calls", task.settled_calls},
      {"completion", to_json(task.completion)},
      {"parent_task_id", task.parent_task_id ? json::value(*task.parent_task_id) : nullptr},
      {"created_at", format_timestamp(task.created_at)},
      {"updated_at", format_timestamp(task.updated_at)},
      {"completed_at", optional_time(task.completed_at)},
  };
}

json::object to_json(const domain::CompletionPolicy& policy) {
  json::array statuses;
  for (const auto& s : policy.final_statuses) {
    statuses.emplace_back(s);
  }
  return {
      {"until", domain::to_string(policy.until)},
      {"max_attempts", policy.max_attempts ? json::value(*policy.max_attempts) : nullptr},
      {"final_statuses", std::move(statuses)},
  };
}

json::object to_json(const store_api::LeadView& lead) {
  json::value attrs = nullptr;
  if (lead.lead.attrs_json) {
    boost::system::error_code ec;
    attrs = json::parse(*lead.lead.attrs_json, ec);
    if (ec) {
      attrs = nullptr;
    }
  }
  return {
      {"phone", lead.lead.phone},
      {"phone_key", lead.lead.phone_key},
      {"name", optional_string(lead.lead.name)},
      {"job_id", optional_string(lead.lead.job_id)},
      {"attrs", std::move(attrs)},
      {"state", domain::to_string(lead.state)},
      {"attempts", lead.attempts},
      {"latest_status", optional_string(lead.latest_status)},
      {"latest_at", optional_time(lead.latest_at)},
      {"connected_at", optional_time(lead.connected_at)},
  };
}

void write_json(domain::JsonWriter& out, const store_api::LeadView& lead) {
  // The members and their order of to_json(LeadView).
  out.begin_object();
  out.key("phone").string(lead.lead.phone);
  out.key("phone_key").string(lead.lead.phone_key);
  write_string(out.key("name"), lead.lead.name);
  write_string(out.key("job_id"), lead.lead.job_id);
  write_stored_json(out.key("attrs"), lead.lead.attrs_json);
  out.key("state").string(domain::to_string(lead.state));
  out.key("attempts").integer(lead.attempts);
  write_string(out.key("latest_status"), lead.latest_status);
  write_time(out.key("latest_at"), lead.latest_at);
  write_time(out.key("connected_at"), lead.connected_at);
  out.end_object();
}

std::string lead_page_json(const store_api::LeadPage& leads, std::int64_t page,
                           std::int64_t page_size) {
  // About the bytes of one lead with a few attrs: the text is reserved once.
  constexpr std::size_t kLeadTextEstimate = 320;
  std::string data;
  data.reserve(kLeadTextEstimate * (leads.items.size() + 1));
  domain::JsonWriter out(data);
  out.begin_object().key("items").begin_array();
  for (const auto& lead : leads.items) {
    write_json(out, lead);
  }
  out.end_array();
  out.key("total").integer(leads.total);
  out.key("page").integer(page);
  out.key("page_size").integer(page_size);
  out.end_object();
  return data;
}

json::object to_json(const domain::CallRecord& record) {
  const auto& f = record.fields;
  json::object out{
      {"call_id", record.call_id},
      {"task_id", record.task_id},
      {"phone", record.phone},
      {"job_group_id", optional_string(f.job_group_id)},
      {"job_id", optional_string(f.job_id)},
      {"call_status", f.call_status},
      {"connected", record.connected},
      {"started_at", optional_time(f.started_at)},
      {"ended_at", optional_time(f.ended_at)},
      {"event_time", optional_time(f.event_time)},
      {"extra", stored_json(f.extra_json)},
      {"created_at", format_timestamp(record.created_at)},
      {"updated_at", format_timestamp(record.updated_at)},
  };
  if (f.duration) {
    out["duration"] = *f.duration;
  } else {
    out["duration"] = nullptr;
  }
  return out;
}

void write_json(domain::JsonWriter& out, const domain::CallRecord& record) {
  // The members and their order of to_json(CallRecord), duration last.
  const auto& f = record.fields;
  out.begin_object();
  out.key("call_id").string(record.call_id);
  out.key("task_id").integer(record.task_id);
  out.key("phone").string(record.phone);
  write_string(out.key("job_group_id"), f.job_group_id);
  write_string(out.key("job_id"), f.job_id);
  out.key("call_status").string(f.call_status);
  out.key("connected").boolean(record.connected);
  write_time(out.key("started_at"), f.started_at);
  write_time(out.key("ended_at"), f.ended_at);
  write_time(out.key("event_time"), f.event_time);
  write_stored_json(out.key("extra"), f.extra_json);
  write_time(out.key("created_at"), record.created_at);
  write_time(out.key("updated_at"), record.updated_at);
  write_integer(out.key("duration"), f.duration);
  out.end_object();
}

std::string followup_json(const app::FollowupResult& result, std::int64_t page,
                          std::int64_t page_size) {
  FollowupJson out(page, page_size);
  out.checked(result.check);
  out.total(result.records.total);
  for (const auto& record : result.records.items) {
    out.record(record);
  }
  return std::move(out).finish();
}

FollowupJson::FollowupJson(std::int64_t page, std::int64_t page_size)
    : page_(page), page_size_(page_size) {}

void FollowupJson::checked(const app::CheckResult& check) {
  out_.begin_object();
  write_check_members(out_, check);
  out_.key("records").begin_array();
}

void FollowupJson::total(std::int64_t total) {
  // About the bytes of one record (400-600 with a small `extra`): the text is reserved once.
  constexpr std::int64_t kRecordTextEstimate = 512;
  total_ = total;
  const auto records = std::clamp<std::int64_t>(total - (page_ - 1) * page_size_, 0, page_size_);
  data_.reserve(static_cast<std::size_t>(kRecordTextEstimate * (records + 1)));
}

void FollowupJson::record(const domain::CallRecord& record) {
  write_json(out_, record);
}

std::string FollowupJson::finish() && {
  out_.end_array();
  out_.key("total_records").integer(total_);
  out_.key("page").integer(page_);
  out_.key("page_size").integer(page_size_);
  out_.end_object();
  return std::move(data_);
}

json::object to_json(const domain::Transition& transition) {
  json::object out;
  if (transition.from) {
    out["from"] = static_cast<int>(*transition.from);
  } else {
    out["from"] = nullptr;
  }
  out["to"] = static_cast<int>(transition.to);
  out["reason"] = transition.reason;
  out["at"] = format_timestamp(transition.at);
  return out;
}

json::object check_json(const app::CheckResult& result) {
  // The one spelling of the members is write_check_members'; a batch's items are DOMs.
  return json::parse(check_text(result)).as_object();
}

void write_check_members(domain::JsonWriter& out, const app::CheckResult& result) {
  out.key("task_id").integer(result.task.task_id);
  out.key("task_type").integer(static_cast<int>(result.task.task_type));
  out.key("is_completed").boolean(result.is_completed());
  out.key("total_calls").integer(result.task.total_calls);
  out.key("connected_calls").integer(result.task.connected_calls);
  out.key("settled_calls").integer(result.task.settled_calls);
}

std::string check_text(const app::CheckResult& result) {
  std::string text;
  domain::JsonWriter out(text);
  out.begin_object();
  write_check_members(out, result);
  out.end_object();
  return text;
}

json::object to_json(const store_api::TaskSyncState& state) {
  return {
      {"last_sync_at", format_timestamp(state.last_sync_at)},
      {"last_sync_error", optional_string(state.last_sync_error)},
      {"last_sync_records", state.last_sync_records},
  };
}

json::object sync_report_json(const app::SyncReport& report) {
  json::array completed;
  for (const auto id : report.completed_tasks) {
    completed.push_back(id);
  }
  json::value error = nullptr;
  if (report.error) {
    error = json::object{{"kind", app::sync_error_name(report.error->kind)},
                         {"message", report.error->message}};
  }
  return {
      {"job_group_id", report.job_group_id},
      {"pages", report.pages},
      {"fetched", report.fetched},
      {"accepted", report.accepted},
      {"updated", report.updated},
      {"unchanged", report.unchanged},
      {"stale", report.stale},
      {"rejected", report.rejected},
      {"retries", report.retries},
      {"completed", report.finished},
      {"completed_tasks", std::move(completed)},
      {"error", std::move(error)},
  };
}

}  // namespace dialtrack::http
