// dialtrack: the command-line entry point. Wires configuration, storage, use cases and the
// HTTP server explicitly; everything else lives in the libraries under src/.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/clock.hpp"
#include "app/completion_service.hpp"
#include "app/ingest_service.hpp"
#include "app/periodic_job.hpp"
#include "app/recount_service.hpp"
#include "app/sweep_service.hpp"
#include "app/task_service.hpp"
#include "app/webhook_service.hpp"
#include "config/config.hpp"
#include "domain/types.hpp"
#include "http/api.hpp"
#include "http/json_mapping.hpp"
#include "http/routes/checks.hpp"
#include "http/server.hpp"
#include "metrics/metrics.hpp"
#include "notify/dispatcher.hpp"
#include "storage/backup.hpp"
#include "storage/store.hpp"
#include "version.hpp"

namespace {

using namespace dialtrack;

/// One logger per subsystem, all writing to stderr (stdout carries command output only).
struct Loggers {
  explicit Loggers(const std::string& level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (auto* logger : {&main, &http, &tasks, &records, &notify}) {
      logger->get()->sinks().push_back(sink);
      logger->get()->set_level(spdlog::level::from_str(level));
    }
  }
  std::shared_ptr<spdlog::logger> main = std::make_shared<spdlog::logger>("main");
  std::shared_ptr<spdlog::logger> http = std::make_shared<spdlog::logger>("http");
  std::shared_ptr<spdlog::logger> tasks = std::make_shared<spdlog::logger>("tasks");
  std::shared_ptr<spdlog::logger> records = std::make_shared<spdlog::logger>("records");
  std::shared_ptr<spdlog::logger> notify = std::make_shared<spdlog::logger>("notify");
};

storage::StoreOptions store_options(const config::Config& cfg) {
  return {cfg.read_connections, cfg.pool_size, cfg.acquire_timeout};
}

/// The use cases over one store, as every subcommand needs them.
struct Application {
  Application(const config::Config& cfg, const Loggers& logs)
      : store(storage::open_store(cfg.db, store_options(cfg))),
        completion(*store, clock, logs.tasks),
        tasks(*store, clock, logs.tasks),
        ingest(*store, clock,
               domain::StatusClassifier(cfg.connected_statuses, cfg.connected_prefixes), completion,
               logs.records),
        recount(*store, clock, completion, logs.tasks),
        webhooks(*store, clock, logs.notify) {}

  app::SystemClock clock;
  std::unique_ptr<storage::Store> store;
  app::CompletionService completion;
  app::TaskService tasks;
  app::IngestService ingest;
  app::RecountService recount;
  app::WebhookService webhooks;
};

int cores() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

/// Names this process in leases: host and pid, unique among the instances on one database.
std::string instance_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) {
    host[0] = '\0';
  }
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

int serve(const config::Config& cfg) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  logs.main->info("dialtrack {} on {} ({})", kVersion, application.store->backend(), cfg.db);

  http::ApiLimits api_limits;
  api_limits.max_leads_per_request = cfg.max_leads_per_request;
  api_limits.max_records_per_batch = cfg.max_records_per_batch;
  metrics::Registry metrics;
  http::Api api({application.tasks, application.ingest, application.completion,
                 application.webhooks, std::string(application.store->backend())},
                api_limits, http::RequestLimits{cfg.max_json_depth}, metrics, logs.http);

  http::ServerOptions options;
  options.listen = cfg.listen;
  options.io_threads = cfg.http_threads > 0 ? cfg.http_threads : cores();
  options.worker_threads = cfg.worker_threads > 0 ? cfg.worker_threads : 4 * cores();
  options.body_limit = static_cast<std::size_t>(cfg.body_limit);
  options.header_limit = static_cast<std::uint32_t>(cfg.header_limit);
  options.read_timeout = cfg.read_timeout;
  options.idle_timeout = cfg.idle_timeout;
  options.shutdown_grace = cfg.shutdown_grace;
  options.max_connections = static_cast<std::size_t>(cfg.max_connections);
  http::Server server(options, api.router(), logs.http);

  // The sweep catches up completions that an after-write check missed.
  app::SweepService sweep(*application.store, application.clock, application.completion, logs.tasks,
                          instance_name(), cfg.sweep_max_tasks);
  std::optional<app::PeriodicJob> sweeper;
  if (cfg.sweep_interval.count() > 0) {
    sweeper.emplace(
        "sweep", cfg.sweep_interval, [&sweep] { sweep.run_once(); }, logs.tasks);
  }
  // Webhooks: the configured subscriptions, then the delivery of the outbox.
  std::vector<app::NewWebhook> configured;
  for (const auto& w : cfg.webhooks) {
    configured.push_back({w.url, w.secret, w.events});
  }
  application.webhooks.configure(configured);
  std::optional<notify::Dispatcher> dispatcher;
  if (cfg.webhook_threads > 0) {
    notify::DispatcherOptions delivery;
    delivery.holder = instance_name();
    delivery.threads = cfg.webhook_threads;
    delivery.timeout = cfg.webhook_timeout;
    delivery.retry_initial = cfg.webhook_retry_initial;
    delivery.retry_max = cfg.webhook_retry_max;
    delivery.max_attempts = cfg.webhook_max_attempts;
    delivery.poll_interval = cfg.webhook_poll_interval;
    delivery.ca_file = cfg.webhook_ca_file;
    dispatcher.emplace(*application.store, application.clock, delivery, metrics, logs.notify);
  }
  const auto bound = server.bind();
  // The one line on stdout: scripts and tests wait for it to know the service is ready.
  std::printf("listening on %s\n", bound.c_str());
  std::fflush(stdout);
  logs.main->info("listening on http://{} ({} connection threads, {} workers)", bound,
                  options.io_threads, options.worker_threads);
  server.run();
  return 0;
}

int check(const config::Config& cfg, domain::TaskId task_id) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  const auto result = application.completion.check(task_id, domain::reason::kManualCheck);
  if (!result) {
    std::cerr << "task " << task_id << " not found\n";
    return 1;
  }
  std::cout << boost::json::serialize(http::check_json(*result)) << "\n";
  return 0;
}

/// Prints each drifted task; exits 0 when nothing drifted or all was repaired, 3 when drift
/// was found and left as it is.
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
              << a.actual_connected_calls << "), records " << a.record_count << " (actual "
              << a.actual_record_count << ")" << (repair ? " - repaired" : "") << "\n";
  }
  std::cout << report.tasks_checked << " tasks checked, " << report.drifted.size() << " with drift"
            << (repair ? ", repaired" : "");
  if (!report.completed.empty()) {
    std::cout << ", " << report.completed.size() << " completed after repair";
  }
  std::cout << "\n";
  return report.drifted.empty() || repair ? 0 : 3;
}

int migrate(const config::Config& cfg) {
  // Opening the store applies the missing migrations.
  auto store = storage::open_store(cfg.db, store_options(cfg));
  std::cout << "schema version " << store->migrate() << "\n";
  return 0;
}

/// Copies the SQLite database to `target` with the online backup API, also while it is served.
int backup(const config::Config& cfg, const std::string& target) {
  const auto copied = storage::backup_database(cfg.db, target);
  std::cout << "backed up " << cfg.db << " to " << target << ": " << copied.pages << " pages, "
            << copied.bytes << " bytes\n";
  return 0;
}

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
    if (serve_cmd->parsed()) {
      return serve(cfg);
    }
    if (check_cmd->parsed()) {
      return check(cfg, task_id);
    }
    if (migrate_cmd->parsed()) {
      return migrate(cfg);
    }
    if (recount_cmd->parsed()) {
      return recount(cfg, recount_task, repair);
    }
    if (backup_cmd->parsed()) {
      return backup(cfg, backup_target);
    }
  } catch (const std::exception& e) {
    std::cerr << "dialtrack: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
