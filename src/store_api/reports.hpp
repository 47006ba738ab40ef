#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"

namespace dialtrack::store_api {

using domain::TaskId;
using domain::Timestamp;

/// A task's call records grouped by status (all attempts).
struct StatusCalls {
  std::string call_status;
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
  std::int64_t talk_seconds = 0;           ///< sum of `duration` over the connected attempts
  std::int64_t talk_calls = 0;             ///< connected attempts that have a duration
  std::optional<Timestamp> first_call_at;  ///< earliest call time (see `task_report`)
  std::optional<Timestamp> last_call_at;   ///< latest call time
};

/// Phones whose latest attempt has `call_status` and who were called `attempts` times.
struct LatestAttempts {
  std::string call_status;
  std::int64_t attempts = 0;
  std::int64_t phones = 0;
};

/// Calls of one UTC hour (by call time).
struct HourCalls {
  Timestamp hour{};
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
};

/// The grouped rows a task report is made of; `app::ReportService` turns them into numbers.
struct TaskReportRows {
  std::vector<StatusCalls> by_status;
  std::vector<LatestAttempts> by_latest;
  std::vector<HourCalls> by_hour;
};

/// A count on one local day: `day` is days since 1970-01-01 in the requested UTC offset.
struct DayCount {
  std::int64_t day = 0;
  std::int64_t count = 0;
  std::int64_t connected = 0;  ///< for calls: the connected ones
};

/// Per-day counts of a date range, days without anything left out.
struct DailyRows {
  std::vector<DayCount> tasks_created;
  std::vector<DayCount> tasks_completed;
  std::vector<DayCount> calls;
};

/// The reports port: aggregates kept at write time by `RecordStore::upsert_records`.
class ReportStore : public domain::Interface {
 public:
  /// A task's report, read from the aggregates its record writes keep (schema version 6): one
  /// row per call status and quarter hour of call time, and per lead its attempts and latest
  /// status; the cost grows with statuses x quarter hours + phones, not with records. A
  /// record's call time is `started_at`, else `event_time`, else `created_at`; a phone's latest
  /// attempt is the one with the newest `event_time`, else `ended_at`, else `started_at`, else
  /// `created_at` (on a tie, the last written; after a rebuild on SQLite, any of them). Exact
  /// for records written once. After updates, a status's first and last call time may still
  /// include the old call time of a record whose call time changed (within a quarter hour that
  /// other records of its old status share), and a phone's latest attempt is wrong only when
  /// an update made its latest attempt older than another attempt that the same batch did not
  /// write. `rebuild_report_stats` makes them exact.
  virtual TaskReportRows task_report(TaskId task_id) = 0;
  /// Tasks created, tasks completed and calls (by call time) per local day in [from, to), days
  /// counted in `utc_offset`. Calls are counted by quarter hour (the report's aggregates), so
  /// `utc_offset` must be a whole number of quarter hours (std::invalid_argument otherwise), and
  /// `from` and `to` count the quarter hours that start in [from, to) (exact when they are
  /// local midnights).
  virtual DailyRows daily_counts(Timestamp from, Timestamp to, std::chrono::minutes utc_offset) = 0;
  /// Recomputes the task's report aggregates (its status rows and its leads' attempts and
  /// latest attempts) from its records: a scan of the task's records, for `recount --fix`.
  virtual void rebuild_report_stats(TaskId task_id) = 0;
};

}  // namespace dialtrack::store_api
