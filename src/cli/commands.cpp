// The one-shot subcommands: each builds the Application, does its work and prints the outcome.
#include "cli/commands.hpp"

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "cli/wiring.hpp"
#include "domain/calendar.hpp"
#include "domain/json_text.hpp"
#include "domain/time.hpp"
#include "export/exporter.hpp"
#include "http/api.hpp"
#include "http/json_mapping.hpp"
#include "http/routes/reports.hpp"
#include "metrics/metrics.hpp"
#include "storage/backup.hpp"

namespace dialtrack::cli {

int check(const config::Config& cfg, domain::TaskId task_id) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  const auto result = application.completion.check(task_id, domain::reason::kManualCheck);
  if (!result) {
    std::cerr << "task " << task_id << " not found\n";
    return 1;
  }
  std::cout << http::check_text(*result) << "\n";
  return 0;
}

int recount(const config::Config& cfg, std::optional<domain::TaskId> task_id, bool repair) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  const auto report = application.recount.recount(task_id, repair);
  if (task_id && report.tasks_checked == 0) {
    std::cerr << "task " << *task_id << " not found\n";
    return 1;
  }
  for (const auto& a : report.drifted) {
    std::cout << "task " << a.task_id << ": total_calls " << a.total_calls << " (actual "
              << a.actual_total_calls << "), connected_calls " << a.connected_calls << " (actual "
              << a.actual_connected_calls << "), settled_calls " << a.settled_calls << " (actual "
              << a.actual_settled_calls << "), records " << a.record_count << " (actual "
              << a.actual_record_count << ")";
    if (a.report_drifted()) {
      std::cout << ", report calls " << a.report_calls << ", lead attempts " << a.lead_attempts;
    }
    std::cout << (repair ? " - repaired" : "") << "\n";
  }
  // Listed, not repaired: the true time of such a record is unknown (see docs/operations.md).
  std::int64_t future_stamped = 0;
  for (const auto& f : report.future_stamped) {
    future_stamped += f.records;
    std::cout << "task " << f.task_id << ": " << f.records << " call records stamped after "
              << domain::format_timestamp(report.future_after) << ", e.g.";
    for (const auto& r : f.examples) {
      const auto& t = r.fields;
      const auto latest = std::max({t.started_at, t.ended_at, t.event_time});
      std::cout << " " << r.call_id << " (" << domain::format_timestamp(*latest) << ")";
    }
    std::cout << "\n";
  }
  // Listed, not changed: which of the two leads an operator meant is theirs to say.
  for (const auto& [id, shared] : report.shared_keys) {
    std::cout << "task " << id << ": " << shared << (shared == 1 ? " lead shares" : " leads share")
              << " a phone key with an earlier lead of the task (records find the earlier one)\n";
  }
  std::cout << report.tasks_checked << " tasks checked, " << report.drifted.size() << " with drift"
            << (repair ? ", repaired" : "");
  if (future_stamped > 0) {
    std::cout << ", " << future_stamped << " call records stamped in the future";
  }
  if (!report.completed.empty()) {
    std::cout << ", " << report.completed.size() << " completed after repair";
  }
  std::cout << "\n";
  return report.drifted.empty() || repair ? 0 : 3;
}

int sync(const config::Config& cfg, std::optional<domain::TaskId> task_id,
         const std::string& job_group_id) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  const auto outcome = task_id ? application.sync.sync_task(*task_id)
                               : application.sync.sync_job_group(job_group_id);
  if (const auto* refusal = std::get_if<app::SyncRefusal>(&outcome)) {
    switch (*refusal) {
      case app::SyncRefusal::kNoAccount:
        std::cerr << "no dialer account is configured (dialers.alibaba.access_key_id, "
                     "access_key_secret and instance_id)\n";
        break;
      case app::SyncRefusal::kTaskNotFound:
        std::cerr << "task " << *task_id << " not found\n";
        break;
      case app::SyncRefusal::kNoJobGroup:
        std::cerr << "task " << *task_id << " has no job_group_id\n";
        break;
      case app::SyncRefusal::kAlreadyRunning:
        std::cerr << "a sync of this job group is already running\n";
        break;
    }
    return 1;
  }
  const auto& report = std::get<app::SyncReport>(outcome);
  std::cout << domain::json_text(http::sync_report_json(report)) << "\n";
  return report.error ? 4 : 0;
}

int migrate(const config::Config& cfg) {
  // Opening the store applies the missing migrations.
  const Loggers logs(cfg.log_level);
  const domain::PhoneKeys phones(cfg.phone_region);
  auto store = storage::open_store(cfg.db, store_options(cfg, logs.main, phones));
  std::cout << "schema version " << store->migrate() << "\n";
  return 0;
}

int backup(const config::Config& cfg, const std::string& target) {
  const auto copied = storage::backup_database(cfg.db, target);
  std::cout << "backed up " << cfg.db << " to " << target << ": " << copied.pages << " pages, "
            << copied.bytes << " bytes\n";
  return 0;
}

int routes(const config::Config& cfg) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  metrics::Registry metrics;
  http::Services services{application.tasks,
                          application.ingest,
                          application.completion,
                          application.webhooks,
                          std::string(application.store->backend()),
                          application.reports,
                          application.sync};
  // The routes `serve` registers: the exports too.
  const exports::Exporter exporter(*application.store,
                                   std::filesystem::temp_directory_path().string());
  services.exporter = &exporter;
  http::Api api(std::move(services), http::ApiLimits{}, http::RequestLimits{}, metrics, logs.http);
  for (const auto& route : api.router().routes()) {
    std::cout << route << "\n";
  }
  return 0;
}

namespace {

/// The day `text` given as `flag` into `day`, which an empty `text` leaves as it is; false,
/// after saying why, when `text` is no day.
bool read_day(const std::string& text, std::string_view flag, domain::DayNumber& day) {
  if (text.empty()) {
    return true;
  }
  const auto parsed = domain::parse_date(text);
  if (!parsed) {
    std::cerr << "dialtrack report: " << flag << " must be YYYY-MM-DD\n";
    return false;
  }
  day = *parsed;
  return true;
}

}  // namespace

int report(const config::Config& cfg, const ReportArgs& args) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  const bool csv = args.format == "csv";
  if (!args.summary) {
    if (!args.task_id) {
      std::cerr << "dialtrack report: give a TASK_ID, or --summary\n";
      return 2;
    }
    const auto r = application.reports.task_report(*args.task_id);
    if (!r) {
      std::cerr << "task " << *args.task_id << " not found\n";
      return 1;
    }
    std::cout << (csv ? http::task_report_csv(*r)
                      : domain::json_text(http::task_report_json(*r)) + "\n");
    return 0;
  }
  const auto offset = domain::parse_utc_offset(args.utc_offset);
  if (!offset) {
    std::cerr
        << "dialtrack report: --utc-offset must be +HH:MM or -HH:MM, in whole quarter hours\n";
    return 2;
  }
  app::SummaryRange range;
  range.utc_offset = *offset;
  range.to = application.reports.today(*offset);
  if (!read_day(args.to, "--to", range.to)) {
    return 2;
  }
  range.from = range.to - 6;
  if (!read_day(args.from, "--from", range.from)) {
    return 2;
  }
  if (range.from > range.to || range.to - range.from + 1 > app::ReportService::kMaxSummaryDays) {
    std::cerr << "dialtrack report: --from must not be after --to, at most 366 days\n";
    return 2;
  }
  const auto days = application.reports.summary(range);
  std::cout << (csv ? http::summary_csv(days)
                    : domain::json_text(http::summary_json(range, days)) + "\n");
  return 0;
}

int import_leads(const config::Config& cfg, domain::TaskId task_id, const std::string& file,
                 const cli::ImportOptions& options) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  return cli::import_leads(application.tasks, task_id, file, options);
}

int import_records(const config::Config& cfg, const std::string& file,
                   const cli::ImportOptions& options) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  return cli::import_records(application.ingest, file, options);
}

int export_records(const config::Config& cfg, domain::TaskId task_id,
                   const std::optional<std::string>& output, const ExportOptions& options) {
  exports::Request request;
  request.task_id = task_id;
  request.kind = exports::Kind::kRecords;
  request.format = options.format == "xlsx" ? exports::Format::kXlsx : exports::Format::kCsv;
  request.utc_offset = cfg.display_utc_offset;
  if (!options.utc_offset.empty()) {
    const auto offset = domain::parse_utc_offset(options.utc_offset);
    if (!offset) {
      std::cerr << "dialtrack: --utc-offset '" << options.utc_offset
                << "' is not +HH:MM or -HH:MM in whole quarter hours\n";
      return 2;
    }
    request.utc_offset = *offset;
  }
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  const exports::Exporter exporter(*application.store,
                                   std::filesystem::temp_directory_path().string());
  return cli::export_records(application.tasks, exporter, request, output);
}

}  // namespace dialtrack::cli
