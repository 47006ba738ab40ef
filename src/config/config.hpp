#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/completion.hpp"

namespace dialtrack::config {

/// A webhook subscription from the configuration (`webhooks.urls`).
struct WebhookSubscription {
  std::string url;
  std::string secret;
  std::vector<std::string> events;  ///< empty: every event

  bool operator==(const WebhookSubscription&) const = default;
};

/// An API token from the configuration (`auth.tokens` or `auth.token_file`). Exactly one of
/// `token` (the token itself) and `sha256_hex` (the lowercase hex SHA-256 of the token) is set.
struct ApiToken {
  std::string name;   ///< names the holder in logs; never the token
  std::string scope;  ///< read, write or admin
  std::string token;
  std::string sha256_hex;

  bool operator==(const ApiToken&) const = default;
};

/// Every setting of the service, with its default. Filled from the config file, then the
/// `DIALTRACK_*` environment, then command-line flags (flags win), and validated once.
struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string db = "./dialtrack.db";
  std::string log_level = "info";

  // [http]
  int http_threads = 0;    ///< 0: one per CPU core
  int worker_threads = 0;  ///< 0: 4 per CPU core
  std::int64_t body_limit = 8LL * 1024 * 1024;
  std::int64_t header_limit = 16LL * 1024;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds shutdown_grace{15'000};       ///< server.shutdown_grace_ms
  std::int64_t body_memory_budget = 256LL * 1024 * 1024;  ///< server.body_memory_budget
  std::int64_t max_connections = 10'000;
  int max_json_depth = 32;

  // [database]
  int read_connections = 4;
  int pool_size = 10;
  std::chrono::milliseconds acquire_timeout{5'000};
  std::chrono::milliseconds query_timeout{5'000};  ///< PostgreSQL: each connect and statement
  std::chrono::milliseconds connect_wait{60'000};  ///< PostgreSQL: retrying at start

  // [limits]
  std::int64_t max_records_per_batch = 5'000;
  std::int64_t max_leads_per_request = 100'000;

  // [sweep]
  std::chrono::milliseconds sweep_interval{60'000};  ///< 0 turns the sweep off
  std::int64_t sweep_max_tasks = 10'000;

  // [completion]
  std::vector<std::string> connected_statuses{"Connected", "Succeeded", "SucceededFinish",
                                              "SucceededTransferByIntent"};
  std::vector<std::string> connected_prefixes{"Succeeded"};
  /// The policy of tasks created without one (`completion.until`, `.max_attempts`,
  /// `.final_statuses`).
  domain::CompletionPolicy default_completion;

  // [phones]
  std::string phone_region = "CN";  ///< libphonenumber's region for numbers without a country

  // [display]
  /// The offset from UTC exports write times in when a request names none (+08:00).
  std::chrono::minutes display_utc_offset{480};

  // [webhooks]
  std::vector<WebhookSubscription> webhooks;  ///< upserted by url at start-up
  int webhook_threads = 2;                    ///< 0 turns delivery off
  std::chrono::milliseconds webhook_timeout{5'000};
  std::chrono::milliseconds webhook_retry_initial{1'000};
  std::chrono::milliseconds webhook_retry_max{300'000};
  int webhook_max_attempts = 10;
  std::chrono::milliseconds webhook_poll_interval{1'000};
  std::string webhook_ca_file;                ///< extra trusted certificates for https receivers
  std::chrono::hours webhook_retention{168};  ///< finished outbox events kept; 0 keeps them all

  // [auth], [ingest] and webhook targets: who may call the API and where webhooks may go.
  std::vector<ApiToken> tokens;  ///< `auth.tokens` and then the lines of `auth.token_file`
  std::string token_file;
  bool metrics_require_token = false;
  std::string signing_secret;  ///< non-empty: pushes must carry X-Dialtrack-Signature
  std::chrono::seconds signature_max_age{300};
  /// A call record whose times lie further past the server's clock is rejected (SPEC §6).
  std::chrono::seconds max_future_skew{300};
  bool webhook_allow_private_targets = false;

  // [dialers]: pulling call results from a dialer account (see docs/dialers.md)
  std::string alibaba_access_key_id;
  std::string alibaba_access_key_secret;  ///< never logged or shown
  std::string alibaba_instance_id;
  std::string alibaba_region = "cn-shanghai";
  std::string alibaba_endpoint;  ///< empty: https://outboundbot.<region>.aliyuncs.com
  std::int64_t dialer_page_size = 100;
  std::chrono::milliseconds dialer_timeout{10'000};
  int dialer_retry_max_attempts = 6;
  std::chrono::milliseconds dialer_retry_initial{500};
  std::chrono::milliseconds dialer_retry_max{10'000};
  std::chrono::milliseconds dialer_sync_interval{60'000};  ///< 0 turns the periodic pull off
  std::string dialer_ca_file;
};

/// A setting that could not be read: names the setting, where it came from and why.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Values given on the command line, by setting key (`listen`, `db`, `http.body_limit`).
using Overrides = std::map<std::string, std::string>;

/// Builds the configuration: defaults, then `file` (TOML) when given, then the environment
/// (`environ`-style `NAME=value` strings, only `DIALTRACK_*` are read), then `flags`.
/// Throws ConfigError for an unknown key, a bad value or an unreadable file.
Config load(const std::optional<std::string>& file, const std::vector<std::string>& environment,
            const Overrides& flags);

/// The environment of this process, for `load`.
std::vector<std::string> process_environment();

/// Every setting as `key (ENV_NAME): description`, for --help and the docs.
std::vector<std::string> describe_settings();

/// True when an Alibaba OutboundBot account is configured (key id, secret and instance id);
/// throws ConfigError when only some of the three are set.
bool alibaba_configured(const Config& config);

}  // namespace dialtrack::config
