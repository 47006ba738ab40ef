#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/clock.hpp"
#include "domain/calendar.hpp"
#include "domain/types.hpp"
#include "store_api/store.hpp"

namespace dialtrack::app {

/// A count under a key (a call status).
struct StatusCount {
  std::string call_status;
  std::int64_t count = 0;
};

/// How many phones were called `attempts` times.
struct AttemptsCount {
  std::int64_t attempts = 0;
  std::int64_t phones = 0;
};

/// A task's report: progress from its counters, everything else aggregated from its records.
/// Rates are rounded to 4 decimals and averages to 2.
struct TaskReport {
  domain::Task task;
  std::int64_t phones_called = 0;
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
  double connect_rate = 0;                        ///< connected_calls / calls
  double phone_connect_rate = 0;                  ///< connected phones / phones
  double attempts_per_phone = 0;                  ///< calls / phones_called
  std::vector<AttemptsCount> attempts_histogram;  ///< ascending attempts
  std::vector<StatusCount> status_latest;         ///< each phone's latest attempt, desc by count
  std::vector<StatusCount> status_all;            ///< every attempt, desc by count
  std::int64_t talk_seconds = 0;
  double talk_average_seconds = 0;
  std::vector<store_api::HourCalls> calls_per_hour;  ///< ascending
  std::optional<domain::Timestamp> first_call_at;
  std::optional<domain::Timestamp> last_call_at;
};

/// One day of the summary.
struct DaySummary {
  domain::DayNumber day = 0;
  std::int64_t tasks_created = 0;
  std::int64_t tasks_completed = 0;
  std::int64_t calls = 0;
  std::int64_t connected_calls = 0;
  double connect_rate = 0;
};

/// Days `from`..`to` inclusive, counted in `utc_offset`.
struct SummaryRange {
  domain::DayNumber from = 0;
  domain::DayNumber to = 0;
  std::chrono::minutes utc_offset{0};
};

/// Reports over the store's aggregates: a task's report and a per-day summary.
class ReportService {
 public:
  /// The longest summary range, in days.
  static constexpr std::int64_t kMaxSummaryDays = 366;

  ReportService(store_api::Store& store, const Clock& clock);

  /// Empty when the task does not exist.
  std::optional<TaskReport> task_report(domain::TaskId task_id);
  /// Every day of the range, days without anything included with zeros.
  std::vector<DaySummary> summary(const SummaryRange& range);
  /// A page of a task's records for an export: record ids above `after`, oldest first, each
  /// with its record id (the `after` of the next page).
  std::vector<std::pair<std::int64_t, domain::CallRecord>> records_after(domain::TaskId task_id,
                                                                         std::int64_t after,
                                                                         std::int64_t limit);
  /// Today in this offset (the default end of a summary).
  [[nodiscard]] domain::DayNumber today(std::chrono::minutes utc_offset) const;

 private:
  store_api::Store& store_;
  const Clock& clock_;
};

/// Rounds to `decimals` places (reports keep their numbers short).
double round_to(double value, int decimals);

}  // namespace dialtrack::app
