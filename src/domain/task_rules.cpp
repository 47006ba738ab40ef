#include "domain/task_rules.hpp"

namespace dialtrack::domain {

std::optional<TaskType> task_type_from_int(std::int64_t value) {
  if (value >= 1 && value <= 4) {
    return static_cast<TaskType>(value);
  }
  return std::nullopt;
}

namespace transitions {

std::optional<TaskType> on_start(TaskType current) {
  if (current == TaskType::kCreated) {
    return TaskType::kCalling;
  }
  return std::nullopt;
}

std::optional<TaskType> on_check(TaskType current, std::int64_t total_calls,
                                 std::int64_t connected_calls) {
  if (current == TaskType::kCalling && counters_say_complete(total_calls, connected_calls)) {
    return TaskType::kCompleted;
  }
  return std::nullopt;
}

std::optional<TaskType> on_check(const Task& task) {
  if (task.task_type == TaskType::kCalling && task.counters_say_complete()) {
    return TaskType::kCompleted;
  }
  return std::nullopt;
}

std::optional<TaskType> on_finish(TaskType current) {
  if (current == TaskType::kCreated || current == TaskType::kCalling) {
    return TaskType::kCompleted;
  }
  return std::nullopt;
}

std::optional<TaskType> on_leads_added(TaskType current, std::int64_t added) {
  if (current == TaskType::kCompleted && added > 0) {
    return TaskType::kCalling;
  }
  return std::nullopt;
}

std::optional<TaskType> on_delete(TaskType current) {
  if (current != TaskType::kDeleted) {
    return TaskType::kDeleted;
  }
  return std::nullopt;
}

}  // namespace transitions

namespace {

template <typename T>
void keep_if_absent(std::optional<T>& merged, const std::optional<T>& stored) {
  if (!merged) {
    merged = stored;
  }
}

}  // namespace

RecordDecision decide_record_update(const RecordFields& stored, bool stored_connected,
                                    const RecordFields& incoming, bool incoming_connected,
                                    RecordFields& merged) {
  if (incoming.event_time && stored.event_time && *incoming.event_time < *stored.event_time) {
    return RecordDecision::kStale;
  }
  if (stored_connected && !incoming_connected) {
    return RecordDecision::kStale;
  }
  merged = incoming;
  keep_if_absent(merged.job_group_id, stored.job_group_id);
  keep_if_absent(merged.job_id, stored.job_id);
  keep_if_absent(merged.started_at, stored.started_at);
  keep_if_absent(merged.ended_at, stored.ended_at);
  keep_if_absent(merged.duration, stored.duration);
  keep_if_absent(merged.event_time, stored.event_time);
  keep_if_absent(merged.extra_json, stored.extra_json);
  return merged == stored ? RecordDecision::kUnchanged : RecordDecision::kUpdated;
}

}  // namespace dialtrack::domain
