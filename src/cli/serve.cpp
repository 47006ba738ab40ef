// `dialtrack serve`: the HTTP server over the use cases, with the background jobs beside it
// (the sweep, webhook delivery, the dialer pull) and their metrics.
#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "app/delivery_service.hpp"
#include "app/live_events.hpp"
#include "app/periodic_job.hpp"
#include "app/sweep_service.hpp"
#include "cli/commands.hpp"
#include "cli/exit_watchdog.hpp"
#include "cli/wiring.hpp"
#include "dialers/alibaba/alibaba_outboundbot.hpp"
#include "domain/types.hpp"
#include "export/exporter.hpp"
#include "http/api.hpp"
#include "http/auth.hpp"
#include "http/routes/checks.hpp"
#include "http/server.hpp"
#include "metrics/metrics.hpp"
#include "notify/dispatcher.hpp"
#include "notify/http_webhook_sender.hpp"
#include "notify/signature.hpp"
#include "version.hpp"

namespace dialtrack::cli {
namespace {

// After the server stopped, the least time the rest of the shutdown gets before the process
// exits regardless (closing the store, joining the background jobs).
constexpr std::chrono::milliseconds kTeardown{500};

// Outbox events one sweep prunes at most; more wait for the next sweep.
constexpr std::int64_t kPrunePerSweep = 10'000;

}  // namespace

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
  // The live stream (GET /events): the use cases tell the hub which tasks they changed; on
  // PostgreSQL through LISTEN/NOTIFY, so every instance hears every instance's changes.
  app::LiveEvents live_events(*application.store, {}, logs.http);
  const auto shared_changes = storage::open_task_changes(
      cfg.db, [&live_events](std::span<const domain::TaskId> ids) { live_events.changed(ids); },
      [&live_events] { live_events.resync(); }, logs.http);
  store_api::TaskChanges& changes =
      shared_changes ? *shared_changes : static_cast<store_api::TaskChanges&>(live_events);
  application.tasks.set_task_changes(changes);
  application.ingest.set_task_changes(changes);
  application.completion.set_task_changes(changes);
  http::Services services{
      application.tasks,
      application.ingest,
      application.completion,
      application.webhooks,
      std::string(application.store->backend()),
      application.reports,
      application.sync,
      [&store = *application.store](auto deadline) { return store.ping(deadline); }};
  services.events = &live_events;
  // XLSX workbooks are written under TMPDIR before they are sent, then deleted.
  const exports::Exporter exporter(*application.store,
                                   std::filesystem::temp_directory_path().string());
  services.exporter = &exporter;
  services.display_utc_offset = cfg.display_utc_offset;
  http::Api api(std::move(services), api_limits, http::RequestLimits{cfg.max_json_depth}, metrics,
                logs.http, &access);

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

}  // namespace dialtrack::cli
