#include "app/report_service.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "app/transactions.hpp"

namespace dialtrack::app {
namespace {

constexpr std::int64_t kDayMillis = 86'400'000;

double ratio(std::int64_t part, std::int64_t whole, int decimals) {
  return whole == 0 ? 0.0
                    : round_to(static_cast<double>(part) / static_cast<double>(whole), decimals);
}

/// Sorted by count descending, then by status for a stable order.
std::vector<StatusCount> sorted(const std::map<std::string, std::int64_t>& counts) {
  std::vector<StatusCount> out;
  out.reserve(counts.size());
  for (const auto& [status, count] : counts) {
    out.push_back({status, count});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const StatusCount& a, const StatusCount& b) { return a.count > b.count; });
  return out;
}

}  // namespace

double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

ReportService::ReportService(store_api::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

std::optional<TaskReport> ReportService::task_report(domain::TaskId task_id) {
  std::optional<domain::Task> task;
  store_api::TaskReportRows rows;
  run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
    task = tx.tasks().find_task(task_id);
    if (task) {
      rows = tx.reports().task_report(task_id);
    }
  });
  if (!task) {
    return std::nullopt;
  }
  TaskReport report;
  report.task = std::move(*task);
  std::map<std::string, std::int64_t> all;
  std::int64_t talk_calls = 0;
  for (const auto& s : rows.by_status) {
    all[s.call_status] += s.calls;
    report.calls += s.calls;
    report.connected_calls += s.connected_calls;
    report.talk_seconds += s.talk_seconds;
    talk_calls += s.talk_calls;
    if (s.first_call_at && (!report.first_call_at || *s.first_call_at < *report.first_call_at)) {
      report.first_call_at = s.first_call_at;
    }
    if (s.last_call_at && (!report.last_call_at || *s.last_call_at > *report.last_call_at)) {
      report.last_call_at = s.last_call_at;
    }
  }
  std::map<std::string, std::int64_t> latest;
  std::map<std::int64_t, std::int64_t> histogram;
  for (const auto& l : rows.by_latest) {
    latest[l.call_status] += l.phones;
    histogram[l.attempts] += l.phones;
    report.phones_called += l.phones;
  }
  for (const auto& [attempts, phones] : histogram) {
    report.attempts_histogram.push_back({attempts, phones});
  }
  report.status_all = sorted(all);
  report.status_latest = sorted(latest);
  report.connect_rate = ratio(report.connected_calls, report.calls, 4);
  report.phone_connect_rate = ratio(report.task.connected_calls, report.task.total_calls, 4);
  report.attempts_per_phone = ratio(report.calls, report.phones_called, 4);
  report.talk_average_seconds = ratio(report.talk_seconds, talk_calls, 2);
  report.calls_per_hour = std::move(rows.by_hour);
  return report;
}

std::vector<DaySummary> ReportService::summary(const SummaryRange& range) {
  const std::int64_t offset = std::chrono::milliseconds(range.utc_offset).count();
  // Local midnight of `from` and of the day after `to`, as UTC instants.
  const domain::Timestamp from{std::chrono::milliseconds{range.from * kDayMillis - offset}};
  const domain::Timestamp to{std::chrono::milliseconds{(range.to + 1) * kDayMillis - offset}};
  const auto rows =
      run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
        return tx.reports().daily_counts(from, to, range.utc_offset);
      });
  std::vector<DaySummary> days;
  for (auto day = range.from; day <= range.to; ++day) {
    days.push_back({day});
  }
  auto at = [&](domain::DayNumber day) -> DaySummary* {
    if (day < range.from || day > range.to) {
      return nullptr;
    }
    return &days[static_cast<std::size_t>(day - range.from)];
  };
  for (const auto& c : rows.tasks_created) {
    if (auto* d = at(c.day)) {
      d->tasks_created += c.count;
    }
  }
  for (const auto& c : rows.tasks_completed) {
    if (auto* d = at(c.day)) {
      d->tasks_completed += c.count;
    }
  }
  for (const auto& c : rows.calls) {
    if (auto* d = at(c.day)) {
      d->calls += c.count;
      d->connected_calls += c.connected;
    }
  }
  for (auto& d : days) {
    d.connect_rate = ratio(d.connected_calls, d.calls, 4);
  }
  return days;
}

std::vector<std::pair<std::int64_t, domain::CallRecord>> ReportService::records_after(
    domain::TaskId task_id, std::int64_t after, std::int64_t limit) {
  return run_transaction(store_, store_api::TxMode::kRead, [&](store_api::Transaction& tx) {
    std::vector<std::pair<std::int64_t, domain::CallRecord>> out;
    for (auto& [record_id, stored] : tx.records().task_records_after(task_id, after, limit)) {
      out.emplace_back(record_id, std::move(stored.record));
    }
    return out;
  });
}

domain::DayNumber ReportService::today(std::chrono::minutes utc_offset) const {
  const auto local =
      clock_.now().time_since_epoch().count() + std::chrono::milliseconds(utc_offset).count();
  return local / kDayMillis;
}

}  // namespace dialtrack::app
