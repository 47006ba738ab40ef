#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/ingest_service.hpp"
#include "app/task_service.hpp"
#include "domain/record_draft.hpp"
#include "domain/types.hpp"
#include "domain/validation.hpp"

namespace dialtrack::http {

/// The request bodies of the API decoded into use-case inputs: pure functions of a parsed JSON
/// object, no I/O, no language (the routes turn a `FieldError` into the 400 envelope). Records
/// and leads are mapped to their drafts and validated by the domain (domain/record_draft.hpp,
/// domain/lead_draft.hpp). Kept apart from the route handlers so the fuzz targets (fuzz/) reach
/// exactly the code the server runs.
template <typename T>
using DecodeResult = std::variant<T, domain::FieldError>;

/// One lead object (`phone`, `name`?, `job_id`?, `attrs`?), field names under `prefix`
/// (`leads[3]`; empty: the bare names, as a CSV import reports them): the lead, or the first
/// problem found.
DecodeResult<domain::Lead> decode_lead(const boost::json::object& object,
                                       const std::string& prefix);

/// Pushed record `index`: a valid input, or the rejection that names its field
/// (`records[index].phone`); its job group defaults to `batch_group`.
std::variant<app::RecordInput, app::Rejection> decode_record(
    const boost::json::value& item, std::size_t index,
    const std::optional<std::string>& batch_group);
/// The same with field names under `prefix` (empty: the bare field names, as a CSV import
/// reports them).
std::variant<app::RecordInput, app::Rejection> decode_record(
    const boost::json::value& item, std::size_t index,
    const std::optional<std::string>& batch_group, const std::string& prefix);

/// Fills `draft.extra_json` from the fields of a pushed record beyond the known ones
/// (domain::kRecordFields), as one JSON object (an `extra` object is merged in rather than
/// nested), and `draft.extra_error` with the first of them that holds a number JSON cannot
/// carry. The CSV import passes its other columns this way too.
void add_extra_fields(const boost::json::object& record, domain::RecordDraft& draft);

/// `leads` of `POST /tasks` and `POST /tasks/{id}/leads`: every lead valid, or the first error.
DecodeResult<std::vector<domain::Lead>> decode_leads(const boost::json::array& items,
                                                     std::int64_t max_leads);

/// `POST /tasks`: `name`, optional `job_group_id` and `leads`.
DecodeResult<app::NewTask> decode_new_task(const boost::json::object& body, std::int64_t max_leads);

/// `POST /tasks/{id}/leads`: a non-empty `leads` array.
/// A completion policy object (`completion` of a new task, the body of PUT .../completion):
/// `until` required, `max_attempts` and `final_statuses` optional (default: none and the
/// default dead statuses). `prefix` names the object in field paths (`completion`, giving
/// `completion.until`; empty for a body).
DecodeResult<domain::CompletionPolicy> decode_completion(const boost::json::object& object,
                                                         const std::string& prefix);

/// A lead state filter: a state's name, or `not_connected` (every state but connected).
DecodeResult<std::vector<domain::LeadState>> decode_lead_states(std::string_view text,
                                                                const std::string& field);

/// The body of POST /tasks/{id}/redial.
DecodeResult<app::Redial> decode_redial(const boost::json::object& body);

DecodeResult<std::vector<domain::Lead>> decode_added_leads(const boost::json::object& body,
                                                           std::int64_t max_leads);

/// `q` of `GET /tasks`, the text to look for in task names, as the query string carried it
/// (percent-decoded): ASCII white space trimmed; absent or empty is no search. At most
/// `kMaxNameSearch` Unicode code points (not bytes) after trimming, like a task name; valid
/// UTF-8 without NUL, so that both backends can compare it.
inline constexpr std::size_t kMaxNameSearch = 200;
DecodeResult<std::optional<std::string>> decode_name_search(const std::optional<std::string>& q);

/// `POST /outbound_call_records`, decoded record by record: a bad record is a rejection, only a
/// bad envelope (no `records` array, too many records) is an error of the whole request.
struct RecordBatch {
  std::vector<app::RecordInput> records;
  std::vector<app::Rejection> rejected;
};
DecodeResult<RecordBatch> decode_record_batch(const boost::json::object& body,
                                              std::int64_t max_records);

/// `POST /check_task_completion`: the task id (`task_type` is only validated).
DecodeResult<std::int64_t> decode_check_request(const boost::json::object& body);

/// `POST /check_task_completion/batch`: 1 to `max_ids` positive task ids.
DecodeResult<std::vector<std::int64_t>> decode_check_batch(const boost::json::object& body,
                                                           std::int64_t max_ids);

}  // namespace dialtrack::http
