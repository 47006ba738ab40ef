#pragma once
// The wiring every subcommand shares: loggers, the store, the use cases over it, the dialer
// account and who may call the API, built explicitly from the configuration.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/clock.hpp"
#include "app/completion_service.hpp"
#include "app/ingest_service.hpp"
#include "app/recount_service.hpp"
#include "app/report_service.hpp"
#include "app/sync_service.hpp"
#include "app/task_service.hpp"
#include "app/webhook_service.hpp"
#include "config/config.hpp"
#include "dialers/dialer_source.hpp"
#include "domain/phone.hpp"
#include "http/auth.hpp"
#include "storage/open_store.hpp"
#include "store_api/store.hpp"

namespace dialtrack::cli {

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
                                    const domain::PhoneKeys& phones);

/// The configured dialer account, or null when none is (pulling is then refused).
std::unique_ptr<dialers::DialerSource> dialer_source(const config::Config& cfg);

app::SyncOptions sync_options(const config::Config& cfg);

/// Names this process in leases: host and pid, unique among the instances on one database.
std::string instance_name();

/// For a command that reads what is stored: why it must not open `db`, which names a SQLite
/// file that does not exist (opening it would create a new, empty database, and a mistyped or
/// forgotten `--db` would answer from that). Nothing for PostgreSQL or a file that exists.
std::optional<std::string> missing_database(std::string_view db);

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

/// Hardware threads, at least one.
int cores();

/// Who may call the API: the configured tokens (kept as digests) and the push signature.
http::AccessOptions access_options(const config::Config& cfg);

/// Without tokens anyone who can connect may do anything, so the service stays on loopback.
std::string listen_address(const config::Config& cfg, const http::Access& access,
                           spdlog::logger& log);

}  // namespace dialtrack::cli
