#pragma once

#include <string>
#include <string_view>

#include "domain/types.hpp"

namespace dialtrack::domain {

/// The body of an outbox event announcing a status change (`task.status_changed`, or
/// `task.completed` beside it): the webhook body, built here once so that every backend stores
/// the same bytes. Compact JSON, keys in this order: event_id, event, task_id, from, to,
/// reason, at (`at` as format_timestamp writes it).
std::string status_event_payload(std::string_view event_id, std::string_view event, TaskId task_id,
                                 TaskType from, TaskType to, std::string_view reason, Timestamp at);

/// A new event id: 32 lowercase hexadecimal digits from a random 128-bit value.
std::string new_event_id();

}  // namespace dialtrack::domain
