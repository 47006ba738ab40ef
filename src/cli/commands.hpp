#pragma once
// The subcommands of `dialtrack` over a loaded configuration; each returns the exit status.

#include <optional>
#include <string>

#include "cli/csv_commands.hpp"
#include "config/config.hpp"
#include "domain/types.hpp"

namespace dialtrack::cli {

/// `dialtrack serve`: the HTTP service, the sweep, webhook delivery and the dialer pull.
int serve(const config::Config& cfg);

/// `dialtrack check TASK_ID`: checks one task's completion now and prints it as JSON.
int check(const config::Config& cfg, domain::TaskId task_id);

/// Prints each drifted task; exits 0 when nothing drifted or all was repaired, 3 when drift
/// was found and left as it is.
int recount(const config::Config& cfg, std::optional<domain::TaskId> task_id, bool repair);

/// Pulls one task's job group (or a job group) from the dialer now and prints the report as
/// JSON. Exits 0 when every page was stored, 4 when the sync stopped on an error (the pages
/// before it are stored), 1 when it could not start.
int sync(const config::Config& cfg, std::optional<domain::TaskId> task_id,
         const std::string& job_group_id);

/// `dialtrack migrate`: creates or upgrades the schema and prints its version.
int migrate(const config::Config& cfg);

/// Copies the SQLite database to `target` with the online backup API, also while it is served.
int backup(const config::Config& cfg, const std::string& target);

/// Prints every route the server registers ("GET /tasks"), one a line: what the OpenAPI
/// document must describe.
int routes(const config::Config& cfg);

/// `dialtrack report`: a task's report, or with `summary` the per-day summary, as JSON or CSV.
struct ReportArgs {
  std::optional<domain::TaskId> task_id;
  bool summary = false;
  std::string format = "json";
  std::string from;
  std::string to;
  std::string utc_offset = "+00:00";
};

int report(const config::Config& cfg, const ReportArgs& args);

/// The CSV commands of csv_commands.hpp over the configured store.
int import_leads(const config::Config& cfg, domain::TaskId task_id, const std::string& file,
                 const ImportOptions& options);
int import_records(const config::Config& cfg, const std::string& file,
                   const ImportOptions& options);
/// `export-records --format csv|xlsx --utc-offset +HH:MM` (default `display.utc_offset`).
struct ExportOptions {
  std::string format = "csv";
  std::string utc_offset;
};
int export_records(const config::Config& cfg, domain::TaskId task_id,
                   const std::optional<std::string>& output, const ExportOptions& options);

}  // namespace dialtrack::cli
