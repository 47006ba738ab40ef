#include "config/settings.hpp"

#include <algorithm>
#include <cctype>

#include "config/values.hpp"
#include "domain/calendar.hpp"
#include "domain/phone.hpp"
#include "domain/webhooks.hpp"

namespace dialtrack::config {

std::string env_name(std::string_view key) {
  std::string out = "DIALTRACK_";
  for (const char c : key) {
    out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

namespace {

using Apply = std::function<void(Config&, const std::string&)>;

/// Takes the text as it is into `field`.
Apply text(std::string Config::*field) {
  return [field](Config& c, const std::string& v) { c.*field = v; };
}

/// Reads an integer in [min, max] into `field`: an integer, or a duration counted in its unit.
template <typename Field>
Apply integer(Field Config::*field, std::int64_t min, std::int64_t max) {
  return [field, min, max](Config& c, const std::string& v) {
    c.*field = static_cast<Field>(parse_int(v, min, max));
  };
}

/// Reads the text into `field` with `parse` (values.hpp), which throws for text it refuses.
template <typename Field>
Apply parsed(Field Config::*field, Field (*parse)(const std::string&)) {
  return [field, parse](Config& c, const std::string& v) { c.*field = parse(v); };
}

}  // namespace

const std::vector<Setting>& settings() {
  constexpr std::int64_t kMaxInt = 1'000'000'000;
  static const std::vector<Setting> kSettings{
      {"listen", "HOST:PORT to listen on (port 0 picks a free port)", text(&Config::listen),
       TomlType::kString},
      {"db", "database: a SQLite file path, sqlite:PATH, or a postgresql:// URL", text(&Config::db),
       TomlType::kString},
      {"log_level", "trace, debug, info, warn, error or off",
       [](Config& c, const std::string& v) {
         static const std::vector<std::string> kLevels{"trace", "debug", "info",
                                                       "warn",  "error", "off"};
         if (std::find(kLevels.begin(), kLevels.end(), v) == kLevels.end()) {
           throw std::invalid_argument("'" + v +
                                       "' is not one of trace, debug, info, warn, error, off");
         }
         c.log_level = v;
       },
       TomlType::kString},
      {"http.threads", "threads serving connections (0: one per core)",
       integer(&Config::http_threads, 0, 256)},
      {"http.worker_threads", "threads running request handlers and database work (0: 4 per core)",
       integer(&Config::worker_threads, 0, 1024)},
      {"http.body_limit", "largest request body in bytes (larger: 413)",
       integer(&Config::body_limit, 1024, 1LL << 32)},
      {"http.header_limit", "largest request header block in bytes (larger: 431)",
       integer(&Config::header_limit, 1024, 1 << 20)},
      {"http.read_timeout_ms", "a started request must arrive completely within this time",
       integer(&Config::read_timeout, 100, kMaxInt)},
      {"http.idle_timeout_ms", "an idle keep-alive connection is closed after this time",
       integer(&Config::idle_timeout, 100, kMaxInt)},
      {"server.shutdown_grace_ms",
       "on SIGTERM, the process is gone within this; requests still waiting then get 503",
       integer(&Config::shutdown_grace, 0, kMaxInt)},
      {"http.shutdown_grace_ms", "the older name of server.shutdown_grace_ms",
       integer(&Config::shutdown_grace, 0, kMaxInt)},
      {"server.body_memory_budget",
       "bytes all request bodies being read may hold together; past it new bodies get 503",
       integer(&Config::body_memory_budget, 65'536, std::int64_t{1} << 40)},
      {"http.max_connections", "open connections at most; more are refused",
       integer(&Config::max_connections, 1, 1'000'000)},
      {"http.max_json_depth", "deepest JSON nesting accepted in a request body",
       integer(&Config::max_json_depth, 2, 256)},
      {"database.read_connections", "SQLite connections for reads, beside the one writer",
       integer(&Config::read_connections, 1, 256)},
      {"database.pool_size", "PostgreSQL connections per instance, at most",
       integer(&Config::pool_size, 1, 1000)},
      {"database.acquire_timeout_ms", "PostgreSQL: how long a request waits for a free connection",
       integer(&Config::acquire_timeout, 1, kMaxInt)},
      {"database.query_timeout_ms",
       "PostgreSQL: how long connecting, and each statement, may wait for the server (then 503)",
       integer(&Config::query_timeout, 100, kMaxInt)},
      {"database.connect_wait_ms",
       "PostgreSQL: at start, how long to keep trying while the server refuses connections",
       integer(&Config::connect_wait, 0, kMaxInt)},
      {"limits.max_records_per_batch", "call records per POST /outbound_call_records",
       integer(&Config::max_records_per_batch, 1, 1'000'000)},
      {"limits.max_leads_per_request", "leads per task creation or leads request",
       integer(&Config::max_leads_per_request, 1, 10'000'000)},
      {"sweep.interval_ms",
       "how often the sweep completes calling tasks whose counters say so (0: off)",
       integer(&Config::sweep_interval, 0, kMaxInt)},
      {"sweep.max_tasks", "calling tasks one sweep run looks at, at most",
       integer(&Config::sweep_max_tasks, 1, kMaxInt)},
      {"completion.connected_statuses", "call statuses that count as connected (comma-separated)",
       parsed(&Config::connected_statuses, parse_status_list), TomlType::kList},
      {"completion.connected_prefixes",
       "status prefixes that count as connected (comma-separated; empty for none)",
       parsed(&Config::connected_prefixes, parse_status_list), TomlType::kList},
      {"completion.until",
       "what a task created without a completion policy waits for: all_connected (every phone "
       "connected) or all_settled (every phone connected, dead or out of attempts)",
       [](Config& c, const std::string& v) {
         const auto until = domain::completion_until_from_string(v);
         if (!until) {
           throw std::invalid_argument("'" + v + "' is not all_connected or all_settled");
         }
         c.default_completion.until = *until;
       },
       TomlType::kString},
      {"completion.max_attempts",
       "attempts after which an unconnected phone is settled (exhausted); 0: no limit",
       [](Config& c, const std::string& v) {
         const auto n = parse_int(v, 0, domain::kMaxAttemptsLimit);
         c.default_completion.max_attempts = n == 0 ? std::nullopt : std::optional<std::int64_t>(n);
       }},
      {"completion.final_statuses",
       "call statuses that mark a number dead (unreachable), comma-separated",
       [](Config& c, const std::string& v) {
         c.default_completion.final_statuses = parse_status_list(v);
         c.default_completion.normalize();
       },
       TomlType::kList},
      {"phones.default_region",
       "region (ISO 3166 two letters) of phone numbers written without a country code",
       [](Config& c, const std::string& v) {
         const domain::PhoneKeys check(v);  // throws for a region libphonenumber does not know
         c.phone_region = check.region();
       },
       TomlType::kString},
      {"display.utc_offset",
       "offset from UTC (+HH:MM or -HH:MM) that exports write times in unless the request "
       "names one (?utc_offset=)",
       [](Config& c, const std::string& v) {
         const auto offset = domain::parse_utc_offset(v);
         if (!offset) {
           throw std::invalid_argument("'" + v +
                                       "' is not a UTC offset as +HH:MM or -HH:MM in whole "
                                       "quarter hours");
         }
         c.display_utc_offset = *offset;
       },
       TomlType::kString},
      {"webhooks.urls",
       "webhook subscriptions: url|secret or url|secret|event;event, comma-separated (a TOML "
       "array of such strings); added or updated by url at start-up",
       parsed(&Config::webhooks, parse_webhooks), TomlType::kList},
      {"webhooks.threads", "threads delivering webhooks (0: no delivery from this instance)",
       integer(&Config::webhook_threads, 0, 64)},
      {"webhooks.timeout_ms", "how long one delivery attempt may take (connect to answer)",
       integer(&Config::webhook_timeout, 100, 600'000)},
      {"webhooks.retry_initial_ms", "longest wait before the first retry; doubles per attempt",
       integer(&Config::webhook_retry_initial, 1, kMaxInt)},
      {"webhooks.retry_max_ms", "longest wait between two attempts",
       integer(&Config::webhook_retry_max, 1, kMaxInt)},
      {"webhooks.max_attempts", "attempts per delivery before it is marked failed",
       integer(&Config::webhook_max_attempts, 1, 1000)},
      {"webhooks.ca_file",
       "PEM file of CA certificates trusted for https receivers, beside the system's",
       text(&Config::webhook_ca_file), TomlType::kString},
      {"webhooks.poll_interval_ms", "how often an idle delivery thread looks for due deliveries",
       integer(&Config::webhook_poll_interval, 10, 600'000)},
      {"webhooks.retention_hours",
       "hours that finished outbox events and their deliveries are kept (pruned by the sweep; "
       "0 keeps them forever)",
       integer(&Config::webhook_retention, 0, std::int64_t{24} * 3660)},
      {"auth.tokens",
       "API tokens, name:scope:token or name:scope:sha256:HEX, comma-separated (scope: read, "
       "write or admin); in the file also [[auth.tokens]] tables with name, scope and token or "
       "sha256. None: no authentication, and the service listens on loopback only",
       parsed(&Config::tokens, parse_tokens), TomlType::kList},
      {"auth.token_file", "file of tokens, one 'name scope sha256hex' a line, beside auth.tokens",
       text(&Config::token_file), TomlType::kString},
      {"auth.metrics_require_token", "true: GET /metrics needs a read token (default: open)",
       parsed(&Config::metrics_require_token, parse_bool), TomlType::kBoolean},
      {"ingest.signing_secret",
       "shared secret: POST /outbound_call_records must then carry X-Dialtrack-Timestamp and "
       "X-Dialtrack-Signature (HMAC-SHA256)",
       text(&Config::signing_secret), TomlType::kString},
      {"ingest.signature_max_age_s",
       "a signed push whose timestamp is further than this from now is refused as a replay",
       integer(&Config::signature_max_age, 1, 86'400)},
      {"ingest.max_future_skew",
       "seconds a call record's times may lie past the server's clock; a record stamped later is "
       "rejected",
       integer(&Config::max_future_skew, 0, 86'400)},
      {"webhooks.allow_private_targets",
       "true: webhooks may go to loopback, private and link-local addresses (refused by default)",
       parsed(&Config::webhook_allow_private_targets, parse_bool), TomlType::kBoolean},
      {"dialers.alibaba.access_key_id", "Alibaba Cloud AccessKey ID of the OutboundBot account",
       text(&Config::alibaba_access_key_id), TomlType::kString},
      {"dialers.alibaba.access_key_secret",
       "Alibaba Cloud AccessKey secret (never logged or shown; prefer the environment)",
       text(&Config::alibaba_access_key_secret), TomlType::kString},
      {"dialers.alibaba.instance_id", "OutboundBot instance id", text(&Config::alibaba_instance_id),
       TomlType::kString},
      {"dialers.alibaba.region", "region of the instance (default cn-shanghai)",
       text(&Config::alibaba_region), TomlType::kString},
      {"dialers.alibaba.endpoint",
       "API endpoint URL (default https://outboundbot.<region>.aliyuncs.com)",
       [](Config& c, const std::string& v) {
         if (!v.empty() && !domain::is_webhook_url(v)) {
           throw std::invalid_argument("'" + v + "' is not an http:// or https:// URL");
         }
         c.alibaba_endpoint = v;
       },
       TomlType::kString},
      {"dialers.page_size", "call attempts per page asked from the dialer",
       integer(&Config::dialer_page_size, 1, 10'000)},
      {"dialers.timeout_ms", "how long one request to the dialer may take (connect to answer)",
       integer(&Config::dialer_timeout, 100, 600'000)},
      {"dialers.retry_max_attempts", "tries per page while the dialer throttles (first included)",
       integer(&Config::dialer_retry_max_attempts, 1, 100)},
      {"dialers.retry_initial_ms", "first backoff after a throttled request; doubles per retry",
       integer(&Config::dialer_retry_initial, 1, 600'000)},
      {"dialers.retry_max_ms", "longest backoff after a throttled request",
       integer(&Config::dialer_retry_max, 1, 600'000)},
      {"dialers.sync_interval_ms",
       "how often calling tasks with a job_group_id are pulled from the dialer (0: off)",
       integer(&Config::dialer_sync_interval, 0, kMaxInt)},
      {"dialers.ca_file", "PEM file of CA certificates trusted for the dialer, beside the system's",
       text(&Config::dialer_ca_file), TomlType::kString},
  };
  return kSettings;
}

const Setting* find_setting(std::string_view key) {
  for (const auto& s : settings()) {
    if (key == s.key) {
      return &s;
    }
  }
  return nullptr;
}

void apply(Config& config, std::string_view key, const std::string& value,
           const std::string& origin) {
  const auto* setting = find_setting(key);
  if (setting == nullptr) {
    throw ConfigError(origin + ": unknown setting '" + std::string(key) + "'");
  }
  try {
    setting->apply(config, value);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(origin + ": " + std::string(key) + ": " + e.what());
  }
}

std::vector<std::string> describe_settings() {
  std::vector<std::string> out;
  for (const auto& s : settings()) {
    out.push_back(std::string(s.key) + " (" + env_name(s.key) + "): " + s.description);
  }
  return out;
}

}  // namespace dialtrack::config
