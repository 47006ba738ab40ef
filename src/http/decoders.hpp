#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/ingest_service.hpp"
#include "app/task_service.hpp"
#include "domain/types.hpp"
#include "domain/validation.hpp"

namespace dialtrack::http {

/// The request bodies of the API decoded into use-case inputs: pure functions of a parsed JSON
/// object, no I/O, no language (the routes turn a `FieldError` into the 400 envelope). Kept apart
/// from the route handlers so the fuzz targets (fuzz/) reach exactly the code the server runs.
template <typename T>
using DecodeResult = std::variant<T, domain::FieldError>;

/// `leads` of `POST /tasks` and `POST /tasks/{id}/leads`: every lead valid, or the first error.
DecodeResult<std::vector<domain::Lead>> decode_leads(const boost::json::array& items,
                                                     std::int64_t max_leads);

/// `POST /tasks`: `name`, optional `job_group_id` and `leads`.
DecodeResult<app::NewTask> decode_new_task(const boost::json::object& body, std::int64_t max_leads);

/// `POST /tasks/{id}/leads`: a non-empty `leads` array.
DecodeResult<std::vector<domain::Lead>> decode_added_leads(const boost::json::object& body,
                                                           std::int64_t max_leads);

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
