#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/completion.hpp"

namespace dialtrack::domain {

using TaskId = std::int64_t;
using LeadId = std::int64_t;

/// Milliseconds since the Unix epoch, UTC. Every stored time is one of these.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// The task's state as stored in `call_tasks.task_type`.
enum class TaskType : int {
  kCreated = 1,    ///< 已创建
  kCalling = 2,    ///< 开始外呼
  kCompleted = 3,  ///< 外呼完成
  kDeleted = 4,    ///< 已删除
};

/// Returns the task type for a stored or requested integer, or nothing when it is not 1-4.
std::optional<TaskType> task_type_from_int(std::int64_t value);

/// A call task as stored, counters included.
struct Task {
  TaskId task_id = 0;
  std::string name;
  std::optional<std::string> job_group_id;
  TaskType task_type = TaskType::kCreated;
  std::int64_t total_calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t settled_calls = 0;      ///< leads connected, dead or out of attempts
  std::int64_t unreachable_calls = 0;  ///< leads not connected whose number is dead
  CompletionPolicy completion;
  std::optional<TaskId> parent_task_id;  ///< the task this one redials
  /// The reason of the last move into 3 (`manual_finish`, `all_settled`, ...); empty before.
  std::string completion_reason;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> completed_at;

  [[nodiscard]] bool counters_say_complete() const {
    return domain::counters_say_complete(completion.until, total_calls, connected_calls,
                                         settled_calls);
  }
};

/// A phone (线索) to be called inside a task; `phone` is already normalised.
struct Lead {
  std::string phone;
  std::string phone_key;  ///< the canonical key (PhoneKeys); one per phone in a task
  std::optional<std::string> name;
  std::optional<std::string> job_id;
  std::optional<std::string> attrs_json;  ///< a JSON object, serialised, kept as given
};

/// One row of a task's status history. `from` is empty for the creation row.
struct Transition {
  std::optional<TaskType> from;
  TaskType to = TaskType::kCreated;
  std::string reason;
  Timestamp at{};
};

/// The fields of a call record that the dialer controls. Absent optional fields of an
/// update keep the stored value (dialers send partial progress callbacks).
struct RecordFields {
  std::string call_status;
  std::optional<std::string> job_group_id;
  std::optional<std::string> job_id;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> ended_at;
  std::optional<std::int64_t> duration;
  std::optional<Timestamp> event_time;
  std::optional<std::string> extra_json;  ///< unknown fields of the pushed record, a JSON object

  bool operator==(const RecordFields&) const = default;
};

/// A call record as stored.
struct CallRecord {
  std::string call_id;
  TaskId task_id = 0;
  std::string phone;
  RecordFields fields;
  bool connected = false;
  Timestamp created_at{};
  Timestamp updated_at{};
};

/// Reasons written to the status history; the words operators see in `/history`.
namespace reason {
inline constexpr std::string_view kCreated = "created";
inline constexpr std::string_view kFirstCallRecord = "first_call_record";
inline constexpr std::string_view kRecordsIngested = "records_ingested";
inline constexpr std::string_view kFollowupQuery = "followup_query";
inline constexpr std::string_view kManualCheck = "manual_check";
inline constexpr std::string_view kBatchCheck = "batch_check";
inline constexpr std::string_view kSweep = "sweep";
inline constexpr std::string_view kApiStart = "api_start";
inline constexpr std::string_view kApiDelete = "api_delete";
inline constexpr std::string_view kLeadsAdded = "leads_added";
inline constexpr std::string_view kRecount = "recount";
inline constexpr std::string_view kAllSettled = "all_settled";
inline constexpr std::string_view kManualFinish = "manual_finish";
inline constexpr std::string_view kCompletionChanged = "completion_changed";
}  // namespace reason

}  // namespace dialtrack::domain
