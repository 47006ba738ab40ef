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
#include "app/delivery_service.hpp"
#include "app/ingest_service.hpp"
#include "app/periodic_job.hpp"
#include "app/recount_service.hpp"
#include "app/report_service.hpp"
#include "app/sweep_service.hpp"
#include "app/sync_service.hpp"
#include "app/task_service.hpp"
#include "app/webhook_service.hpp"
#include "cli/csv_commands.hpp"
#include "cli/exit_watchdog.hpp"
#include "cli/simulate.hpp"
#include "config/config.hpp"
#include "dialers/alibaba/alibaba_outboundbot.hpp"
#include "domain/calendar.hpp"
#include "domain/phone.hpp"
#include "domain/time.hpp"
#include "domain/types.hpp"
#include "http/api.hpp"
#include "http/auth.hpp"
#include "http/json_mapping.hpp"
#include "http/routes/checks.hpp"
#include "http/routes/reports.hpp"
#include "http/server.hpp"
#include "metrics/metrics.hpp"
#include "notify/dispatcher.hpp"
#include "notify/http_webhook_sender.hpp"
#include "notify/signature.hpp"
#include "storage/backup.hpp"
#include "storage/open_store.hpp"
#include "store_api/store.hpp"
#include "version.hpp"

namespace {

using namespace dialtrack;

/// One logger per subsystem, all writing to stderr (stdout carries command output only).
struct Loggers {
  explicit Loggers(const std::string& level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (auto* logger : {&main, &http, &tasks, &records, &notify, &dialers}) {
      logger->get()->sinks().push_back(sink);
      logger->get()->set_level(spdlog::level::from_str(level));
    }
  }
  std::shared_ptr<spdlog::logger> main = std::make_shared<spdlog::logger>("main");
  std::shared_ptr<spdlog::logger> http = std::make_shared<spdlog::logger>("http");
  std::shared_ptr<spdlog::logger> tasks = std::make_shared<spdlog::logger>("tasks");
  std::shared_ptr<spdlog::logger> records = std::make_shared<spdlog::logger>("records");
  std::shared_ptr<spdlog::logger> notify = std::make_shared<spdlog::logger>("notify");
  std::shared_ptr<spdlog::logger> dialers = std::make_shared<spdlog::logger>("dialers");
};

/// The store's settings; `log` tells of the attempts while PostgreSQL is not available at start.
storage::StoreOptions store_options(const config::Config& cfg, std::shared_ptr<spdlog::logger> log,
                                    const domain::PhoneKeys& phones) {
  return {cfg.read_connections,
          cfg.pool_size,
          cfg.acquire_timeout,
          cfg.query_timeout,
          cfg.connect_wait,
          std::move(log),
          [&phones](std::string_view phone) { return phones.key(phone); }};
}

/// The configured dialer account, or null when none is (pulling is then refused).
std::unique_ptr<dialers::DialerSource> dialer_source(const config::Config& cfg) {
  if (!config::alibaba_configured(cfg)) {
    return nullptr;
  }
  dialers::AlibabaOptions options;
  options.access_key_id = cfg.alibaba_access_key_id;
  options.access_key_secret = cfg.alibaba_access_key_secret;
  options.instance_id = cfg.alibaba_instance_id;
  options.region = cfg.alibaba_region;
  options.endpoint = cfg.alibaba_endpoint;
  options.page_size = cfg.dialer_page_size;
  options.timeout = cfg.dialer_timeout;
  options.ca_file = cfg.dialer_ca_file;
  return std::make_unique<dialers::AlibabaOutboundBot>(std::move(options));
}

app::SyncOptions sync_options(const config::Config& cfg) {
  return {cfg.dialer_retry_max_attempts, cfg.dialer_retry_initial, cfg.dialer_retry_max};
}

std::string instance_name();

/// The use cases over one store, as every subcommand needs them.
struct Application {
  Application(const config::Config& cfg, const Loggers& logs)
      : phones(cfg.phone_region),
        store(storage::open_store(cfg.db, store_options(cfg, logs.main, phones))),
        completion(*store, clock, logs.tasks),
        tasks(*store, clock, logs.tasks, phones, cfg.default_completion),
        ingest(*store, clock,
               domain::StatusClassifier(cfg.connected_statuses, cfg.connected_prefixes), phones,
               logs.records, cfg.max_future_skew),
        recount(*store, clock, completion, logs.tasks, cfg.max_future_skew),
        webhooks(*store, clock, logs.notify),
        reports(*store, clock),
        source(dialer_source(cfg)),
        sync(*store, clock, ingest, source.get(), sync_options(cfg), logs.dialers,
             instance_name()) {}

  app::SystemClock clock;
  domain::PhoneKeys phones;
  std::unique_ptr<store_api::Store> store;
  app::CompletionService completion;
  app::TaskService tasks;
  app::IngestService ingest;
  app::RecountService recount;
  app::WebhookService webhooks;
  app::ReportService reports;
  std::unique_ptr<dialers::DialerSource> source;
  app::SyncService sync;
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

// After the server stopped, the least time the rest of the shutdown gets before the process
// exits regardless (closing the store, joining the background jobs).
constexpr std::chrono::milliseconds kTeardown{500};

// Outbox events one sweep prunes at most; more wait for the next sweep.
constexpr std::int64_t kPrunePerSweep = 10'000;

/// Who may call the API: the configured tokens (kept as digests) and the push signature.
http::AccessOptions access_options(const config::Config& cfg) {
  http::AccessOptions options;
  for (const auto& t : cfg.tokens) {
    options.tokens.push_back(http::token_entry(t.name, t.scope, t.token, t.sha256_hex));
  }
  options.metrics_require_token = cfg.metrics_require_token;
  options.signing_secret = cfg.signing_secret;
  options.signature_max_age = cfg.signature_max_age;
  return options;
}

/// Without tokens anyone who can connect may do anything, so the service stays on loopback.
std::string listen_address(const config::Config& cfg, const http::Access& access,
                           spdlog::logger& log) {
  if (access.tokens_configured()) {
    log.info("authentication: {}", access.describe_tokens());
    return cfg.listen;
  }
  const auto loopback = http::loopback_instead(cfg.listen);
  if (!loopback) {
    log.info("authentication: off (no tokens configured; listening on loopback only)");
    return cfg.listen;
  }
  log.warn(
      "no API tokens are configured, so the API would be open to anyone: listening on {} "
      "instead of {}. Configure tokens (auth.tokens, auth.token_file or DIALTRACK_AUTH_TOKENS) "
      "to listen on other addresses",
      *loopback, cfg.listen);
  return *loopback;
}

int serve(const config::Config& cfg) {
  Loggers logs(cfg.log_level);
  // Before everything it guards: destroyed last, once all of it has shut down.
  cli::ExitWatchdog exit_watchdog(logs.main);
  Application application(cfg, logs);
  logs.main->info("dialtrack {} on {} ({})", kVersion, application.store->backend(), cfg.db);

  http::ApiLimits api_limits;
  api_limits.max_leads_per_request = cfg.max_leads_per_request;
  api_limits.max_records_per_batch = cfg.max_records_per_batch;
  api_limits.allow_private_webhook_targets = cfg.webhook_allow_private_targets;
  const http::Access access(access_options(cfg));
  if (!cfg.signing_secret.empty()) {
    logs.main->info("pushes must be signed (X-Dialtrack-Signature), at most {} s old",
                    cfg.signature_max_age.count());
  }
  if (cfg.webhook_allow_private_targets) {
    logs.main->warn("webhooks may go to loopback, private and link-local addresses");
  }
  metrics::Registry metrics;
  // Every rejected record by reason, whichever way it came (pushed, pulled from a dialer).
  std::array<metrics::Counter*, 4> rejected_by_reason{};
  for (std::size_t i = 0; i < rejected_by_reason.size(); ++i) {
    const auto reason = app::reject_reason_name(static_cast<app::RejectReason>(i));
    rejected_by_reason.at(i) =
        &metrics.counter("dialtrack_records_rejected_total", "call records rejected, by reason",
                         {{"reason", std::string(reason)}});
  }
  application.ingest.set_rejection_observer([rejected_by_reason](app::RejectReason reason,
                                                                 std::int64_t count) {
    rejected_by_reason.at(static_cast<std::size_t>(reason))->inc(static_cast<std::uint64_t>(count));
  });
  http::Api api(
      {application.tasks, application.ingest, application.completion, application.webhooks,
       std::string(application.store->backend()), application.reports, application.sync,
       [&store = *application.store](auto deadline) { return store.ping(deadline); }},
      api_limits, http::RequestLimits{cfg.max_json_depth}, metrics, logs.http, &access);

  http::ServerOptions options;
  options.listen = listen_address(cfg, access, *logs.main);
  options.io_threads = cfg.http_threads > 0 ? cfg.http_threads : cores();
  options.worker_threads = cfg.worker_threads > 0 ? cfg.worker_threads : 4 * cores();
  options.body_limit = static_cast<std::size_t>(cfg.body_limit);
  options.header_limit = static_cast<std::uint32_t>(cfg.header_limit);
  options.read_timeout = cfg.read_timeout;
  options.idle_timeout = cfg.idle_timeout;
  options.shutdown_grace = cfg.shutdown_grace;
  options.body_memory_budget = static_cast<std::size_t>(cfg.body_memory_budget);
  options.max_connections = static_cast<std::size_t>(cfg.max_connections);
  http::Server server(options, api.router(), logs.http);

  auto& pool_in_use =
      metrics.gauge("dialtrack_db_pool_in_use", "database connections lent to transactions now");
  auto& pool_size = metrics.gauge("dialtrack_db_pool_size",
                                  "database connections at most (SQLite: read connections)");
  metrics.on_render([&store = *application.store, &pool_in_use, &pool_size] {
    const auto use = store.pool_use();
    pool_in_use.set(use.in_use);
    pool_size.set(use.size);
  });

  // The sweep catches up completions that an after-write check missed.
  app::SweepService sweep(*application.store, application.clock, application.completion, logs.tasks,
                          instance_name(), cfg.sweep_max_tasks);
  auto& sweep_runs =
      metrics.counter("dialtrack_sweep_runs_total", "sweep runs (this instance held the lease)");
  auto& sweep_duration =
      metrics.histogram("dialtrack_sweep_duration_seconds", "how long one sweep run took");
  auto& sweep_completions = http::completions_counter(metrics, domain::reason::kSweep);
  std::optional<app::PeriodicJob> sweeper;
  if (cfg.sweep_interval.count() > 0) {
    sweeper.emplace(
        "sweep", cfg.sweep_interval,
        [&] {
          const auto report = sweep.run_once();
          if (report.ran) {
            sweep_duration.observe(std::chrono::duration<double>(report.took).count());
            sweep_runs.inc();
            sweep_completions.inc(static_cast<std::uint64_t>(report.completed));
            // The instance that holds the sweep lease also keeps the outbox small.
            if (cfg.webhook_retention.count() > 0) {
              application.webhooks.prune(cfg.webhook_retention, kPrunePerSweep);
            }
          }
        },
        logs.tasks);
  }
  // Webhooks: the configured subscriptions, then the delivery of the outbox.
  std::vector<app::NewWebhook> configured;
  for (const auto& w : cfg.webhooks) {
    configured.push_back({w.url, w.secret, w.events});
  }
  application.webhooks.configure(configured);
  // The sender and the service outlive the dispatcher's threads that use them.
  std::optional<notify::HttpWebhookSender> webhook_sender;
  const notify::HmacSigner webhook_signer{};
  std::optional<app::DeliveryService> deliveries;
  std::optional<notify::Dispatcher> dispatcher;
  if (cfg.webhook_threads > 0) {
    webhook_sender.emplace(
        notify::SenderOptions{.ca_file = cfg.webhook_ca_file,
                              .allow_private_targets = cfg.webhook_allow_private_targets});
    deliveries.emplace(*application.store, application.clock, *webhook_sender, webhook_signer,
                       app::DeliveryOptions{.timeout = cfg.webhook_timeout,
                                            .retry_initial = cfg.webhook_retry_initial,
                                            .retry_max = cfg.webhook_retry_max,
                                            .max_attempts = cfg.webhook_max_attempts},
                       logs.notify);
    dispatcher.emplace(*deliveries,
                       notify::DispatcherOptions{.holder = instance_name(),
                                                 .threads = cfg.webhook_threads,
                                                 .poll_interval = cfg.webhook_poll_interval},
                       metrics, logs.notify);
  }
  // The dialer pull: calling tasks with a job group, when an account is configured. Stopped
  // (after the page in hand) before the job is joined, so shutdown does not wait for a sync.
  std::optional<app::PeriodicJob> puller;
  struct StopSyncs {
    explicit StopSyncs(app::SyncService& s) : sync_(s) {}
    StopSyncs(const StopSyncs&) = delete;
    StopSyncs& operator=(const StopSyncs&) = delete;
    ~StopSyncs() { sync_.stop(); }
    app::SyncService& sync_;
  };
  std::optional<StopSyncs> stop_syncs;
  if (application.sync.configured() && cfg.dialer_sync_interval.count() > 0) {
    puller.emplace(
        "dialer pull", cfg.dialer_sync_interval, [&application] { application.sync.pull_once(); },
        logs.dialers);
    stop_syncs.emplace(application.sync);
    logs.dialers->info(
        "pulling calling tasks from {} every {} ms",
        dialers::alibaba_endpoint({.region = cfg.alibaba_region, .endpoint = cfg.alibaba_endpoint}),
        cfg.dialer_sync_interval.count());
  }
  const auto bound = server.bind();
  // The one line on stdout: scripts and tests wait for it to know the service is ready.
  std::printf("listening on %s\n", bound.c_str());
  std::fflush(stdout);
  logs.main->info("listening on http://{} ({} connection threads, {} workers)", bound,
                  options.io_threads, options.worker_threads);
  server.run();
  // Every request is answered; what still waits on a stuck database must not hold the exit.
  exit_watchdog.arm(std::max(server.exit_deadline().value_or(std::chrono::steady_clock::now()),
                             std::chrono::steady_clock::now() + kTeardown),
                    0);
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

/// Pulls one task's job group (or a job group) from the dialer now and prints the report as
/// JSON. Exits 0 when every page was stored, 4 when the sync stopped on an error (the pages
/// before it are stored), 1 when it could not start.
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
  std::cout << boost::json::serialize(http::sync_report_json(report)) << "\n";
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

/// Copies the SQLite database to `target` with the online backup API, also while it is served.
int backup(const config::Config& cfg, const std::string& target) {
  const auto copied = storage::backup_database(cfg.db, target);
  std::cout << "backed up " << cfg.db << " to " << target << ": " << copied.pages << " pages, "
            << copied.bytes << " bytes\n";
  return 0;
}

/// Prints every route the server registers ("GET /tasks"), one a line: what the OpenAPI
/// document must describe.
int routes(const config::Config& cfg) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  metrics::Registry metrics;
  http::Api api(
      {application.tasks, application.ingest, application.completion, application.webhooks,
       std::string(application.store->backend()), application.reports, application.sync},
      http::ApiLimits{}, http::RequestLimits{}, metrics, logs.http);
  for (const auto& route : api.router().routes()) {
    std::cout << route << "\n";
  }
  return 0;
}

/// `dialtrack report`: a task's report, or with `summary` the per-day summary, as JSON or CSV.
struct ReportArgs {
  std::optional<domain::TaskId> task_id;
  bool summary = false;
  std::string format = "json";
  std::string from;
  std::string to;
  std::string utc_offset = "+00:00";
};

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
                      : boost::json::serialize(http::task_report_json(*r)) + "\n");
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
  if (!args.to.empty()) {
    const auto day = domain::parse_date(args.to);
    if (!day) {
      std::cerr << "dialtrack report: --to must be YYYY-MM-DD\n";
      return 2;
    }
    range.to = *day;
  }
  range.from = range.to - 6;
  if (!args.from.empty()) {
    const auto day = domain::parse_date(args.from);
    if (!day) {
      std::cerr << "dialtrack report: --from must be YYYY-MM-DD\n";
      return 2;
    }
    range.from = *day;
  }
  if (range.from > range.to || range.to - range.from + 1 > app::ReportService::kMaxSummaryDays) {
    std::cerr << "dialtrack report: --from must not be after --to, at most 366 days\n";
    return 2;
  }
  const auto days = application.reports.summary(range);
  std::cout << (csv ? http::summary_csv(days)
                    : boost::json::serialize(http::summary_json(range, days)) + "\n");
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
                   const std::optional<std::string>& output) {
  Loggers logs(cfg.log_level);
  Application application(cfg, logs);
  return cli::export_records(application.tasks, application.reports, task_id, output);
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

  ReportArgs report_args;
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
  auto* export_cmd =
      cli.add_subcommand("export-records", "write a task's call records as CSV (UTF-8, BOM)");
  export_cmd->add_option("TASK_ID", import_task, "task id")->required()->check(CLI::PositiveNumber);
  export_cmd->add_option("--output,-o", export_output, "file to write (default stdout)");

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
    if (report_cmd->parsed()) {
      return report(cfg, report_args);
    }
    if (import_leads_cmd->parsed()) {
      return import_leads(cfg, import_task, import_file, import_options);
    }
    if (import_records_cmd->parsed()) {
      return import_records(cfg, import_file, import_options);
    }
    if (export_cmd->parsed()) {
      return export_records(cfg, import_task, export_output);
    }
    if (routes_cmd->parsed()) {
      return routes(cfg);
    }
    if (simulate_cmd->parsed()) {
      sim_options.duration = std::chrono::seconds(sim_duration);
      return cli::simulate(sim_options);
    }
    if (sync_cmd->parsed()) {
      return sync(cfg, sync_task_id, sync_job_group);
    }
  } catch (const std::exception& e) {
    std::cerr << "dialtrack: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
