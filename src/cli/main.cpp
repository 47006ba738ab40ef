// dialtrack: the command-line entry point. Reads the options and the configuration and runs one
// subcommand (cli/commands.hpp); the wiring of storage, use cases and the HTTP server is explicit,
// in cli/wiring.hpp, and everything else lives in the libraries under src/.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/csv_commands.hpp"
#include "cli/simulate.hpp"
#include "cli/wiring.hpp"
#include "config/config.hpp"
#include "domain/types.hpp"
#include "version.hpp"

namespace {

using namespace dialtrack;

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "dialtrack: tracks outbound call tasks and completes them when every phone is connected"};
  cli.set_version_flag("--version", std::string("dialtrack ") + dialtrack::kVersion);
  cli.require_subcommand(1);
  cli.fallthrough();

  std::optional<std::string> config_file;
  config::Overrides flags;
  std::string db;
  std::string log_level;
  cli.add_option("--config", config_file, "TOML configuration file");
  cli.add_option("--db", db,
                 "database: FILE, sqlite:FILE or postgresql://... (default ./dialtrack.db)");
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");

  std::string listen;
  auto* serve_cmd = cli.add_subcommand("serve", "run the HTTP service");
  serve_cmd->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8080)");
  std::string settings_help = "Settings (config file key, environment variable):\n";
  for (const auto& line : config::describe_settings()) {
    settings_help += "  " + line + "\n";
  }
  serve_cmd->footer(settings_help);

  dialtrack::domain::TaskId task_id = 0;
  auto* check_cmd = cli.add_subcommand("check", "check one task's completion now and print it");
  check_cmd->add_option("TASK_ID", task_id, "task id")->required()->check(CLI::PositiveNumber);
  auto* migrate_cmd = cli.add_subcommand("migrate", "create or upgrade the database schema");
  std::optional<dialtrack::domain::TaskId> recount_task;
  bool repair = false;
  auto* recount_cmd = cli.add_subcommand(
      "recount", "recompute counters from the records and report drift (exit 3 if any)");
  recount_cmd->add_option("TASK_ID", recount_task, "only this task")->check(CLI::PositiveNumber);
  recount_cmd->add_flag("--fix", repair, "repair the drift found");
  std::string backup_target;
  auto* backup_cmd = cli.add_subcommand(
      "backup", "copy the SQLite database to FILE (online backup; safe while serving)");
  backup_cmd->add_option("FILE", backup_target, "the backup file to write")->required();

  cli::ReportArgs report_args;
  auto* report_cmd =
      cli.add_subcommand("report", "print a task's report, or the per-day summary (--summary)");
  report_cmd->add_option("TASK_ID", report_args.task_id, "task id")->check(CLI::PositiveNumber);
  report_cmd->add_flag("--summary", report_args.summary, "the per-day summary instead");
  report_cmd->add_option("--format", report_args.format, "json (default) or csv")
      ->check(CLI::IsMember({"json", "csv"}));
  report_cmd->add_option("--from", report_args.from, "summary: first day, YYYY-MM-DD");
  report_cmd->add_option("--to", report_args.to, "summary: last day, YYYY-MM-DD (default today)");
  report_cmd->add_option("--utc-offset", report_args.utc_offset,
                         "summary: the days' UTC offset, +HH:MM (default +00:00)");
  cli::ImportOptions import_options;
  dialtrack::domain::TaskId import_task = 0;
  std::string import_file;
  auto* import_leads_cmd =
      cli.add_subcommand("import-leads", "add a task's leads from a CSV file (header: phone,...)");
  import_leads_cmd->add_option("TASK_ID", import_task, "task id")
      ->required()
      ->check(CLI::PositiveNumber);
  import_leads_cmd->add_option("FILE", import_file, "CSV file")->required();
  auto* import_records_cmd = cli.add_subcommand(
      "import-records", "ingest call records from a CSV file (header: call_id,task_id,...)");
  import_records_cmd->add_option("FILE", import_file, "CSV file")->required();
  for (auto* cmd : {import_leads_cmd, import_records_cmd}) {
    cmd->add_option("--encoding", import_options.encoding, "auto (default), utf-8 or gbk")
        ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gbk", "gb18030"}, CLI::ignore_case));
    cmd->add_option("--batch-size", import_options.batch_size, "rows per transaction (5000)")
        ->check(CLI::Range(1, 100000));
  }
  std::optional<std::string> export_output;
  auto* export_cmd = cli.add_subcommand("export-records",
                                        "write a task's call records as CSV (UTF-8, BOM) or XLSX");
  export_cmd->add_option("TASK_ID", import_task, "task id")->required()->check(CLI::PositiveNumber);
  export_cmd->add_option("--output,-o", export_output, "file to write (default stdout)");
  cli::ExportOptions export_options;
  export_cmd->add_option("--format", export_options.format, "csv (default) or xlsx")
      ->check(CLI::IsMember({"csv", "xlsx"}));
  export_cmd->add_option("--utc-offset", export_options.utc_offset,
                         "offset times are written in, +HH:MM (default display.utc_offset)");

  auto* routes_cmd =
      cli.add_subcommand("routes", "print the HTTP routes the server registers, one a line");
  cli::SimulateOptions sim_options;
  int sim_duration = 0;
  auto* simulate_cmd = cli.add_subcommand(
      "simulate", "a dialer simulator: create tasks and push call results to a running server");
  // Each option of `simulate` once: name, value, help, and the range it must be in (if any).
  const auto sim_option = [simulate_cmd](const std::string& name, auto& value,
                                         const std::string& help,
                                         std::optional<CLI::Validator> range = std::nullopt) {
    auto* option = simulate_cmd->add_option(name, value, help);
    if (range) {
      option->check(*range);
    }
  };
  sim_option("--url", sim_options.url, "the server (default http://127.0.0.1:8080)");
  sim_option("--token", sim_options.token, "bearer token, when the server wants one");
  sim_option("--tasks", sim_options.tasks, "tasks to create (3)", CLI::Range(1, 1000));
  sim_option("--phones", sim_options.phones, "phones per task (100)", CLI::Range(1, 10'000'000));
  sim_option("--rate", sim_options.rate, "records per second (200; 0: as fast as possible)",
             CLI::Range(0.0, 1e7));
  sim_option("--batch-size", sim_options.batch_size, "records per request (50)",
             CLI::Range(1, 1000));
  sim_option("--connect-rate", sim_options.dialer.connect_rate,
             "chance that an attempt connects (0.6)", CLI::Range(0.0, 1.0));
  sim_option("--max-attempts", sim_options.dialer.max_attempts,
             "attempts per phone at most (0: retry until connected)", CLI::Range(0, 1000));
  sim_option("--duplicate-rate", sim_options.dialer.duplicate_rate,
             "chance of resending a record (0.02)", CLI::Range(0.0, 0.9));
  sim_option("--out-of-order-rate", sim_options.dialer.out_of_order_rate,
             "chance of a late older update after a call's result (0.02)", CLI::Range(0.0, 1.0));
  sim_option("--seed", sim_options.dialer.seed, "random seed (1)");
  sim_option("--run-id", sim_options.run_id,
             "in every call_id; random when absent (printed; repeats a run on a fresh database)");
  sim_option("--duration", sim_duration,
             "stop after this many seconds (0: when every task is complete)",
             CLI::Range(0, 86400 * 365));
  simulate_cmd->add_flag("--english-names", sim_options.english_names,
                         "English task and lead names");
  std::optional<dialtrack::domain::TaskId> sync_task_id;
  std::string sync_job_group;
  auto* sync_cmd = cli.add_subcommand(
      "sync", "pull call results from the dialer now (exit 4 if the sync stopped on an error)");
  auto* sync_task_opt = sync_cmd->add_option("--task", sync_task_id, "the job group of this task")
                            ->check(CLI::PositiveNumber);
  auto* sync_group_opt = sync_cmd->add_option("--job-group", sync_job_group, "this job group");
  sync_task_opt->excludes(sync_group_opt);
  sync_cmd->require_option(1);

  CLI11_PARSE(cli, argc, argv);

  if (!db.empty()) {
    flags["db"] = db;
  }
  if (!log_level.empty()) {
    flags["log_level"] = log_level;
  }
  if (!listen.empty()) {
    flags["listen"] = listen;
  }
  try {
    const auto cfg = config::load(config_file, config::process_environment(), flags);
    // Commands that read what is stored never create a database (cli/wiring.hpp).
    for (const auto* reader :
         {check_cmd, recount_cmd, backup_cmd, report_cmd, export_cmd, routes_cmd}) {
      if (reader->parsed()) {
        if (const auto why = cli::missing_database(cfg.db)) {
          std::cerr << "dialtrack " << reader->get_name() << ": " << *why << "\n";
          return 2;
        }
      }
    }
    if (serve_cmd->parsed()) {
      return cli::serve(cfg);
    }
    if (check_cmd->parsed()) {
      return cli::check(cfg, task_id);
    }
    if (migrate_cmd->parsed()) {
      return cli::migrate(cfg);
    }
    if (recount_cmd->parsed()) {
      return cli::recount(cfg, recount_task, repair);
    }
    if (backup_cmd->parsed()) {
      return cli::backup(cfg, backup_target);
    }
    if (report_cmd->parsed()) {
      return cli::report(cfg, report_args);
    }
    if (import_leads_cmd->parsed()) {
      return cli::import_leads(cfg, import_task, import_file, import_options);
    }
    if (import_records_cmd->parsed()) {
      return cli::import_records(cfg, import_file, import_options);
    }
    if (export_cmd->parsed()) {
      return cli::export_records(cfg, import_task, export_output, export_options);
    }
    if (routes_cmd->parsed()) {
      return cli::routes(cfg);
    }
    if (simulate_cmd->parsed()) {
      sim_options.duration = std::chrono::seconds(sim_duration);
      return cli::simulate(sim_options);
    }
    if (sync_cmd->parsed()) {
      return cli::sync(cfg, sync_task_id, sync_job_group);
    }
  } catch (const std::exception& e) {
    std::cerr << "dialtrack: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
