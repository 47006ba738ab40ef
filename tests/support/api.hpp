#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"

namespace dialtrack::test {

/// Shortcuts over the HTTP API that keep each test about its subject. They throw (which fails
/// the test with the answer in the message) when the server does not answer as the step needs.

/// `count` distinct normalised phone numbers starting at `first`.
std::vector<std::string> make_phones(std::size_t count, std::uint64_t first = 13900000000);
/// `[{"phone": p}, ...]`.
boost::json::array leads_of(const std::vector<std::string>& phones);

/// POST /tasks; returns the task_id (expects 201).
std::int64_t create_task(HttpConnection& http, const std::vector<std::string>& phones,
                         std::string_view name = "integration task",
                         std::optional<std::string> job_group_id = std::nullopt);

/// A call record naming its task by id.
boost::json::object call_record(std::string_view call_id, std::int64_t task_id,
                                std::string_view phone, std::string_view call_status);
/// One record per phone of `phones`, all with `call_status`: call ids `prefix` + the index.
boost::json::array records_for(std::string_view prefix, std::int64_t task_id,
                               const std::vector<std::string>& phones,
                               std::string_view call_status);
/// The same with an `event_time` of `kBaseEpoch + seconds` (RFC 3339).
boost::json::object call_record_at(std::string_view call_id, std::int64_t task_id,
                                   std::string_view phone, std::string_view call_status,
                                   int seconds);
/// `2026-03-01T08:00:00Z` plus `seconds`, RFC 3339 UTC.
std::string event_time(int seconds);

/// POST /outbound_call_records with `{"records": records}` (and the body-level job group).
Response push_records(HttpConnection& http, boost::json::array records,
                      std::optional<std::string> job_group_id = std::nullopt);

/// The counters of an ingestion answer.
struct IngestCounts {
  std::int64_t accepted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t stale = 0;
  std::size_t rejected = 0;
  std::vector<std::int64_t> completed_tasks;
};
/// Reads the counters of a 200 ingestion answer (throws on anything else).
IngestCounts ingest_counts(const Response& response);
/// push_records then ingest_counts.
IngestCounts push(HttpConnection& http, boost::json::array records,
                  std::optional<std::string> job_group_id = std::nullopt);

/// What push_in_parts met beside the answers it handed on.
struct PartsPushed {
  std::size_t busy_answers = 0;                   ///< 503 answers (each retried)
  std::chrono::steady_clock::duration slowest{};  ///< the longest wait for one answer
  std::vector<std::string> failures;              ///< parts not answered 200, described
};
/// Pushes `records` in parts of `part_size` over one keep-alive connection to `port`, as a
/// dialer does: a part answered 503 is sent again (20 tries in all), a part answered otherwise
/// or not within a minute is a failure, and the next part goes on a new connection whenever
/// the server closed it. Each part answered 200 goes to `answered` with its answer.
PartsPushed push_in_parts(
    std::uint16_t port, const boost::json::array& records, std::size_t part_size,
    const std::function<void(const boost::json::array& part, const Response& answer)>& answered);

/// GET /tasks/{id}; the task object (expects 200).
boost::json::object get_task(HttpConnection& http, std::int64_t task_id);
/// GET /check_task_completion/{id}.
Response check_task(HttpConnection& http, std::int64_t task_id);
/// GET /task_followup_records/{id}?page=&page_size=.
Response followup(HttpConnection& http, std::int64_t task_id, int page = 1, int page_size = 20);
/// Every record of a task, read through all follow-up pages (1000 a page): call_id ->
/// call_status. Throws on an answer other than 200.
std::map<std::string, std::string> all_records(HttpConnection& http, std::int64_t task_id);
/// POST /tasks/{id}/start with an empty body.
Response start_task(HttpConnection& http, std::int64_t task_id);
/// DELETE /tasks/{id}.
Response delete_task(HttpConnection& http, std::int64_t task_id);

/// One row of GET /tasks/{id}/history.
struct HistoryRow {
  std::optional<std::int64_t> from;
  std::int64_t to = 0;
  std::string reason;
  std::string at;
};
std::vector<HistoryRow> history(HttpConnection& http, std::int64_t task_id);
/// How many rows went from `from` to `to`.
std::size_t count_transitions(const std::vector<HistoryRow>& rows, std::int64_t from,
                              std::int64_t to);

/// An integer JSON value (int64 or uint64) as int64; throws otherwise.
std::int64_t as_int(const boost::json::value& value);
/// `object[key]` as int64; throws when missing or not an integer.
std::int64_t int_field(const boost::json::object& object, std::string_view key);
/// `object[key]` as a string; throws when missing or not a string.
std::string string_field(const boost::json::object& object, std::string_view key);
/// `object[key]` as a bool; throws when missing or not a bool.
bool bool_field(const boost::json::object& object, std::string_view key);

/// True for `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
bool is_rfc3339_utc(std::string_view text);

}  // namespace dialtrack::test
