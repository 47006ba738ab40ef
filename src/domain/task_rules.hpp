#pragma once

#include <cstdint>
#include <optional>

#include "domain/types.hpp"

namespace dialtrack::domain {

/// The completion rule of `all_connected` (see CompletionPolicy for the other): a task with at
/// least one lead is complete when every lead is connected.
constexpr bool counters_say_complete(std::int64_t total_calls, std::int64_t connected_calls) {
  return total_calls > 0 && connected_calls == total_calls;
}

/// What the state machine allows for each event. Each returns the target state, or nothing
/// when the event leaves the task as it is; callers apply it as a conditional update.
namespace transitions {

/// 1 -> 2 when the task is started (through the API or by its first call record).
std::optional<TaskType> on_start(TaskType current);
/// 2 -> 3 when the counters say every lead is connected.
std::optional<TaskType> on_check(TaskType current, std::int64_t total_calls,
                                 std::int64_t connected_calls);
/// 2 -> 3 when the task's counters say it is complete under its completion policy.
std::optional<TaskType> on_check(const Task& task);
/// 1 or 2 -> 3 when an operator finishes the task by hand (nothing on 3 and 4).
std::optional<TaskType> on_finish(TaskType current);
/// 3 -> 2 when new leads are added to a completed task.
std::optional<TaskType> on_leads_added(TaskType current, std::int64_t added);
/// any -> 4, once.
std::optional<TaskType> on_delete(TaskType current);

}  // namespace transitions

/// How a pushed record relates to the record already stored under its `call_id`.
enum class RecordDecision {
  kAccepted,   ///< new to dialtrack
  kUpdated,    ///< known call_id whose status or fields changed
  kUnchanged,  ///< an exact repeat
  kStale,      ///< a late update that is ignored
};

/// Applies the dialer's late, duplicated and out-of-order callbacks:
/// an update whose `event_time` is older than the stored one is stale, and a connected record
/// stays connected (a later non-connected update is stale). Absent optional fields of
/// `incoming` keep the stored values; `merged` receives what should be stored.
RecordDecision decide_record_update(const RecordFields& stored, bool stored_connected,
                                    const RecordFields& incoming, bool incoming_connected,
                                    RecordFields& merged);

}  // namespace dialtrack::domain
