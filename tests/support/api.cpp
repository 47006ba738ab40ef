#include "support/api.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <ctime>
#include <stdexcept>

#include "support/timeouts.hpp"

namespace dialtrack::test {
namespace {

// 2026-03-01T08:00:00Z: an arbitrary, fixed base so event times are reproducible.
constexpr std::time_t kBaseEpoch = 1772352000;

[[noreturn]] void unexpected(std::string_view step, const Response& response) {
  throw std::runtime_error(std::string(step) + " failed: " + response.describe());
}

const boost::json::value& field(const boost::json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  if (found == nullptr) {
    throw std::runtime_error("missing field '" + std::string(key) + "' in " +
                             boost::json::serialize(object));
  }
  return *found;
}

}  // namespace

std::vector<std::string> make_phones(std::size_t count, std::uint64_t first) {
  std::vector<std::string> phones;
  phones.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    phones.push_back(std::to_string(first + i));
  }
  return phones;
}

boost::json::array leads_of(const std::vector<std::string>& phones) {
  boost::json::array leads;
  leads.reserve(phones.size());
  for (const auto& phone : phones) {
    leads.push_back(boost::json::object{{"phone", phone}});
  }
  return leads;
}

std::int64_t create_task(HttpConnection& http, const std::vector<std::string>& phones,
                         std::string_view name, std::optional<std::string> job_group_id) {
  boost::json::object body{{"name", name}, {"leads", leads_of(phones)}};
  if (job_group_id) {
    body["job_group_id"] = *job_group_id;
  }
  const Response response = http.post("/tasks", body);
  if (response.status != 201) {
    unexpected("POST /tasks", response);
  }
  return int_field(response.data_object(), "task_id");
}

boost::json::object call_record(std::string_view call_id, std::int64_t task_id,
                                std::string_view phone, std::string_view call_status) {
  return boost::json::object{
      {"call_id", call_id}, {"task_id", task_id}, {"phone", phone}, {"call_status", call_status}};
}

boost::json::array records_for(std::string_view prefix, std::int64_t task_id,
                               const std::vector<std::string>& phones,
                               std::string_view call_status) {
  boost::json::array records;
  records.reserve(phones.size());
  for (std::size_t i = 0; i < phones.size(); ++i) {
    records.push_back(
        call_record(std::string(prefix) + std::to_string(i), task_id, phones[i], call_status));
  }
  return records;
}

boost::json::object call_record_at(std::string_view call_id, std::int64_t task_id,
                                   std::string_view phone, std::string_view call_status,
                                   int seconds) {
  auto record = call_record(call_id, task_id, phone, call_status);
  record["event_time"] = event_time(seconds);
  return record;
}

std::string event_time(int seconds) {
  const std::time_t at = kBaseEpoch + seconds;
  std::tm parts{};
  ::gmtime_r(&at, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

Response push_records(HttpConnection& http, boost::json::array records,
                      std::optional<std::string> job_group_id) {
  boost::json::object body{{"records", std::move(records)}};
  if (job_group_id) {
    body["job_group_id"] = *job_group_id;
  }
  return http.post("/outbound_call_records", body);
}

IngestCounts ingest_counts(const Response& response) {
  if (response.status != 200) {
    unexpected("POST /outbound_call_records", response);
  }
  const auto& data = response.data_object();
  IngestCounts counts;
  counts.accepted = int_field(data, "accepted");
  counts.updated = int_field(data, "updated");
  counts.unchanged = int_field(data, "unchanged");
  counts.stale = int_field(data, "stale");
  counts.rejected = field(data, "rejected").as_array().size();
  for (const auto& id : field(data, "completed_tasks").as_array()) {
    counts.completed_tasks.push_back(as_int(id));
  }
  return counts;
}

IngestCounts push(HttpConnection& http, boost::json::array records,
                  std::optional<std::string> job_group_id) {
  return ingest_counts(push_records(http, std::move(records), std::move(job_group_id)));
}

PartsPushed push_in_parts(
    std::uint16_t port, const boost::json::array& records, std::size_t part_size,
    const std::function<void(const boost::json::array& part, const Response& answer)>& answered) {
  constexpr int kMaxTries = 20;
  PartsPushed pushed;
  std::optional<HttpConnection> http;
  for (std::size_t start = 0; start < records.size(); start += part_size) {
    const std::size_t end = std::min(start + part_size, records.size());
    const boost::json::array part(records.begin() + static_cast<std::ptrdiff_t>(start),
                                  records.begin() + static_cast<std::ptrdiff_t>(end));
    Response response;
    try {
      for (int attempt = 0; attempt < kMaxTries; ++attempt) {
        if (!http) {
          // Generous: past the database's own statement timeout (30 s), an answer is not coming.
          http.emplace(port, scaled(std::chrono::seconds(60)));
        }
        const auto sent_at = std::chrono::steady_clock::now();
        response = push_records(*http, part);
        pushed.slowest = std::max(pushed.slowest, std::chrono::steady_clock::now() - sent_at);
        if (!response.keep_alive) {
          http.reset();
        }
        if (response.status != 503) {
          break;
        }
        ++pushed.busy_answers;
      }
    } catch (const std::exception& error) {
      pushed.failures.push_back(std::string("no answer: ") + error.what());
      http.reset();
      continue;
    }
    if (response.status != 200) {
      pushed.failures.push_back(response.describe());
      continue;
    }
    answered(part, response);
  }
  return pushed;
}

boost::json::object get_task(HttpConnection& http, std::int64_t task_id) {
  const Response response = http.get("/tasks/" + std::to_string(task_id));
  if (response.status != 200) {
    unexpected("GET /tasks/{id}", response);
  }
  return response.data_object();
}

Response check_task(HttpConnection& http, std::int64_t task_id) {
  return http.get("/check_task_completion/" + std::to_string(task_id));
}

Response followup(HttpConnection& http, std::int64_t task_id, int page, int page_size) {
  return http.get("/task_followup_records/" + std::to_string(task_id) +
                  "?page=" + std::to_string(page) + "&page_size=" + std::to_string(page_size));
}

std::map<std::string, std::string> all_records(HttpConnection& http, std::int64_t task_id) {
  constexpr int kPageSize = 1000;
  std::map<std::string, std::string> records;
  for (int page = 1;; ++page) {
    const auto response = followup(http, task_id, page, kPageSize);
    if (response.status != 200) {
      unexpected("GET /task_followup_records/{id}", response);
    }
    const auto& items = field(response.data_object(), "records").as_array();
    for (const auto& item : items) {
      const auto& record = item.as_object();
      records[string_field(record, "call_id")] = string_field(record, "call_status");
    }
    if (items.size() < static_cast<std::size_t>(kPageSize)) {
      return records;
    }
  }
}

Response start_task(HttpConnection& http, std::int64_t task_id) {
  return http.request("POST", "/tasks/" + std::to_string(task_id) + "/start");
}

Response delete_task(HttpConnection& http, std::int64_t task_id) {
  return http.del("/tasks/" + std::to_string(task_id));
}

std::vector<HistoryRow> history(HttpConnection& http, std::int64_t task_id) {
  const Response response = http.get("/tasks/" + std::to_string(task_id) + "/history");
  if (response.status != 200) {
    unexpected("GET /tasks/{id}/history", response);
  }
  std::vector<HistoryRow> rows;
  for (const auto& item : field(response.data_object(), "items").as_array()) {
    const auto& row = item.as_object();
    HistoryRow parsed;
    const auto& from = field(row, "from");
    if (!from.is_null()) {
      parsed.from = as_int(from);
    }
    parsed.to = int_field(row, "to");
    parsed.reason = string_field(row, "reason");
    parsed.at = string_field(row, "at");
    rows.push_back(std::move(parsed));
  }
  return rows;
}

std::size_t count_transitions(const std::vector<HistoryRow>& rows, std::int64_t from,
                              std::int64_t to) {
  std::size_t count = 0;
  for (const auto& row : rows) {
    if (row.from == from && row.to == to) {
      ++count;
    }
  }
  return count;
}

std::int64_t as_int(const boost::json::value& value) {
  if (value.is_int64()) {
    return value.get_int64();
  }
  if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value.get_uint64());
  }
  throw std::runtime_error("not an integer: " + boost::json::serialize(value));
}

std::int64_t int_field(const boost::json::object& object, std::string_view key) {
  return as_int(field(object, key));
}

std::string string_field(const boost::json::object& object, std::string_view key) {
  const auto& value = field(object, key);
  if (!value.is_string()) {
    throw std::runtime_error("field '" + std::string(key) + "' is not a string in " +
                             boost::json::serialize(object));
  }
  return std::string(value.as_string());
}

bool bool_field(const boost::json::object& object, std::string_view key) {
  const auto& value = field(object, key);
  if (!value.is_bool()) {
    throw std::runtime_error("field '" + std::string(key) + "' is not a bool in " +
                             boost::json::serialize(object));
  }
  return value.get_bool();
}

bool is_rfc3339_utc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS then optional .f{1,9} then Z; checked by hand because GCC 12's
  // std::regex trips -Wmaybe-uninitialized under the sanitizer build.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < kShape.size() + 1 || text.back() != 'Z') {
    return false;
  }
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !is_digit(text[i]) : text[i] != kShape[i]) {
      return false;
    }
  }
  const std::string_view fraction = text.substr(kShape.size(), text.size() - kShape.size() - 1);
  if (fraction.empty()) {
    return true;
  }
  return fraction.size() >= 2 && fraction.size() <= 10 && fraction[0] == '.' &&
         std::all_of(fraction.begin() + 1, fraction.end(), is_digit);
}

}  // namespace dialtrack::test
