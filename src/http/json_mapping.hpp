#pragma once

#include <boost/json.hpp>

#include "app/completion_service.hpp"
#include "domain/types.hpp"

namespace dialtrack::http {

/// The task object of the API.
boost::json::object to_json(const domain::Task& task);
/// A call record as the follow-up query shows it.
boost::json::object to_json(const domain::CallRecord& record);
/// A status history row: `{"from", "to", "reason", "at"}`.
boost::json::object to_json(const domain::Transition& transition);
/// The answer of a completion check: `{"task_id", "task_type", "is_completed", "total_calls",
/// "connected_calls"}`.
boost::json::object check_json(const app::CheckResult& result);

}  // namespace dialtrack::http
