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

const std::vector<Setting>& settings() {
  using ms = std::chrono::milliseconds;
  constexpr std::int64_t kMaxInt = 1'000'000'000;
  static const std::vector<Setting> kSettings{
      {"listen", "HOST:PORT to listen on (port 0 picks a free port)",
       [](Config& c, const std::string& v) { c.listen = v; }, TomlType::kString},
      {"db", "database: a SQLite file path, sqlite:PATH, or a postgresql:// URL",
       [](Config& c, const std::string& v) { c.db = v; }, TomlType::kString},
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
       [](Config& c, const std::string& v) {
         c.http_threads = static_cast<int>(parse_int(v, 0, 256));
       }},
      {"http.worker_threads", "threads running request handlers and database work (0: 4 per core)",
       [](Config& c, const std::string& v) {
         c.worker_threads = static_cast<int>(parse_int(v, 0, 1024));
       }},
      {"http.body_limit", "largest request body in bytes (larger: 413)",
       [](Config& c, const std::string& v) { c.body_limit = parse_int(v, 1024, 1LL << 32); }},
      {"http.header_limit", "largest request header block in bytes (larger: 431)",
       [](Config& c, const std::string& v) { c.header_limit = parse_int(v, 1024, 1 << 20); }},
      {"http.read_timeout_ms", "a started request must arrive completely within this time",
       [](Config& c, const std::string& v) { c.read_timeout = ms{parse_int(v, 100, kMaxInt)}; }},
      {"http.idle_timeout_ms", "an idle keep-alive connection is closed after this time",
       [](Config& c, const std::string& v) { c.idle_timeout = ms{parse_int(v, 100, kMaxInt)}; }},
      {"server.shutdown_grace_ms",
       "on SIGTERM, the process is gone within this; requests still waiting then get 503",
       [](Config& c, const std::string& v) { c.shutdown_grace = ms{parse_int(v, 0, kMaxInt)}; }},
      {"http.shutdown_grace_ms", "the older name of server.shutdown_grace_ms",
       [](Config& c, const std::string& v) { c.shutdown_grace = ms{parse_int(v, 0, kMaxInt)}; }},
      {"server.body_memory_budget",
       "bytes all request bodies being read may hold together; past it new bodies get 503",
       [](Config& c, const std::string& v) {
         c.body_memory_budget = parse_int(v, 65'536, std::int64_t{1} << 40);
       }},
      {"http.max_connections", "open connections at most; more are refused",
       [](Config& c, const std::string& v) { c.max_connections = parse_int(v, 1, 1'000'000); }},
      {"http.max_json_depth", "deepest JSON nesting accepted in a request body",
       [](Config& c, const std::string& v) {
         c.max_json_depth = static_cast<int>(parse_int(v, 2, 256));
       }},
      {"database.read_connections", "SQLite connections for reads, beside the one writer",
       [](Config& c, const std::string& v) {
         c.read_connections = static_cast<int>(parse_int(v, 1, 256));
       }},
      {"database.pool_size", "PostgreSQL connections per instance, at most",
       [](Config& c, const std::string& v) {
         c.pool_size = static_cast<int>(parse_int(v, 1, 1000));
       }},
      {"database.acquire_timeout_ms", "PostgreSQL: how long a request waits for a free connection",
       [](Config& c, const std::string& v) { c.acquire_timeout = ms{parse_int(v, 1, kMaxInt)}; }},
      {"database.query_timeout_ms",
       "PostgreSQL: how long connecting, and each statement, may wait for the server (then 503)",
       [](Config& c, const std::string& v) { c.query_timeout = ms{parse_int(v, 100, kMaxInt)}; }},
      {"database.connect_wait_ms",
       "PostgreSQL: at start, how long to keep trying while the server refuses connections",
       [](Config& c, const std::string& v) { c.connect_wait = ms{parse_int(v, 0, kMaxInt)}; }},
      {"limits.max_records_per_batch", "call records per POST /outbound_call_records",
       [](Config& c, const std::string& v) {
         c.max_records_per_batch = parse_int(v, 1, 1'000'000);
       }},
      {"limits.max_leads_per_request", "leads per task creation or leads request",
       [](Config& c, const std::string& v) {
         c.max_leads_per_request = parse_int(v, 1, 10'000'000);
       }},
      {"sweep.interval_ms",
       "how often the sweep completes calling tasks whose counters say so (0: off)",
       [](Config& c, const std::string& v) { c.sweep_interval = ms{parse_int(v, 0, kMaxInt)}; }},
      {"sweep.max_tasks", "calling tasks one sweep run looks at, at most",
       [](Config& c, const std::string& v) { c.sweep_max_tasks = parse_int(v, 1, kMaxInt); }},
      {"completion.connected_statuses", "call statuses that count as connected (comma-separated)",
       [](Config& c, const std::string& v) { c.connected_statuses = parse_status_list(v); },
       TomlType::kList},
      {"completion.connected_prefixes",
       "status prefixes that count as connected (comma-separated; empty for none)",
       [](Config& c, const std::string& v) { c.connected_prefixes = parse_status_list(v); },
       TomlType::kList},
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
       [](Config& c, const std::string& v) { c.webhooks = parse_webhooks(v); }, TomlType::kList},
      {"webhooks.threads", "threads delivering webhooks (0: no delivery from this instance)",
       [](Config& c, const std::string& v) {
         c.webhook_threads = static_cast<int>(parse_int(v, 0, 64));
       }},
      {"webhooks.timeout_ms", "how long one delivery attempt may take (connect to answer)",
       [](Config& c, const std::string& v) { c.webhook_timeout = ms{parse_int(v, 100, 600'000)}; }},
      {"webhooks.retry_initial_ms", "longest wait before the first retry; doubles per attempt",
       [](Config& c, const std::string& v) {
         c.webhook_retry_initial = ms{parse_int(v, 1, kMaxInt)};
       }},
      {"webhooks.retry_max_ms", "longest wait between two attempts",
       [](Config& c, const std::string& v) { c.webhook_retry_max = ms{parse_int(v, 1, kMaxInt)}; }},
      {"webhooks.max_attempts", "attempts per delivery before it is marked failed",
       [](Config& c, const std::string& v) {
         c.webhook_max_attempts = static_cast<int>(parse_int(v, 1, 1000));
       }},
      {"webhooks.ca_file",
       "PEM file of CA certificates trusted for https receivers, beside the system's",
       [](Config& c, const std::string& v) { c.webhook_ca_file = v; }, TomlType::kString},
      {"webhooks.poll_interval_ms", "how often an idle delivery thread looks for due deliveries",
       [](Config& c, const std::string& v) {
         c.webhook_poll_interval = ms{parse_int(v, 10, 600'000)};
       }},
      {"webhooks.retention_hours",
       "hours that finished outbox events and their deliveries are kept (pruned by the sweep; "
       "0 keeps them forever)",
       [](Config& c, const std::string& v) {
         c.webhook_retention = std::chrono::hours{parse_int(v, 0, std::int64_t{24} * 3660)};
       }},
      {"auth.tokens",
       "API tokens, name:scope:token or name:scope:sha256:HEX, comma-separated (scope: read, "
       "write or admin); in the file also [[auth.tokens]] tables with name, scope and token or "
       "sha256. None: no authentication, and the service listens on loopback only",
       [](Config& c, const std::string& v) { c.tokens = parse_tokens(v); }, TomlType::kList},
      {"auth.token_file", "file of tokens, one 'name scope sha256hex' a line, beside auth.tokens",
       [](Config& c, const std::string& v) { c.token_file = v; }, TomlType::kString},
      {"auth.metrics_require_token", "true: GET /metrics needs a read token (default: open)",
       [](Config& c, const std::string& v) { c.metrics_require_token = parse_bool(v); },
       TomlType::kBoolean},
      {"ingest.signing_secret",
       "shared secret: POST /outbound_call_records must then carry X-Dialtrack-Timestamp and "
       "X-Dialtrack-Signature (HMAC-SHA256)",
       [](Config& c, const std::string& v) { c.signing_secret = v; }, TomlType::kString},
      {"ingest.signature_max_age_s",
       "a signed push whose timestamp is further than this from now is refused as a replay",
       [](Config& c, const std::string& v) {
         c.signature_max_age = std::chrono::seconds{parse_int(v, 1, 86'400)};
       }},
      {"ingest.max_future_skew",
       "seconds a call record's times may lie past the server's clock; a record stamped later is "
       "rejected",
       [](Config& c, const std::string& v) {
         c.max_future_skew = std::chrono::seconds{parse_int(v, 0, 86'400)};
       }},
      {"webhooks.allow_private_targets",
       "true: webhooks may go to loopback, private and link-local addresses (refused by default)",
       [](Config& c, const std::string& v) { c.webhook_allow_private_targets = parse_bool(v); },
       TomlType::kBoolean},
      {"dialers.alibaba.access_key_id", "Alibaba Cloud AccessKey ID of the OutboundBot account",
       [](Config& c, const std::string& v) { c.alibaba_access_key_id = v; }, TomlType::kString},
      {"dialers.alibaba.access_key_secret",
       "Alibaba Cloud AccessKey secret (never logged or shown; prefer the environment)",
       [](Config& c, const std::string& v) { c.alibaba_access_key_secret = v; }, TomlType::kString},
      {"dialers.alibaba.instance_id", "OutboundBot instance id",
       [](Config& c, const std::string& v) { c.alibaba_instance_id = v; }, TomlType::kString},
      {"dialers.alibaba.region", "region of the instance (default cn-shanghai)",
       [](Config& c, const std::string& v) { c.alibaba_region = v; }, TomlType::kString},
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
       [](Config& c, const std::string& v) { c.dialer_page_size = parse_int(v, 1, 10'000); }},
      {"dialers.timeout_ms", "how long one request to the dialer may take (connect to answer)",
       [](Config& c, const std::string& v) { c.dialer_timeout = ms{parse_int(v, 100, 600'000)}; }},
      {"dialers.retry_max_attempts", "tries per page while the dialer throttles (first included)",
       [](Config& c, const std::string& v) {
         c.dialer_retry_max_attempts = static_cast<int>(parse_int(v, 1, 100));
       }},
      {"dialers.retry_initial_ms", "first backoff after a throttled request; doubles per retry",
       [](Config& c, const std::string& v) {
         c.dialer_retry_initial = ms{parse_int(v, 1, 600'000)};
       }},
      {"dialers.retry_max_ms", "longest backoff after a throttled request",
       [](Config& c, const std::string& v) { c.dialer_retry_max = ms{parse_int(v, 1, 600'000)}; }},
      {"dialers.sync_interval_ms",
       "how often calling tasks with a job_group_id are pulled from the dialer (0: off)",
       [](Config& c, const std::string& v) {
         c.dialer_sync_interval = ms{parse_int(v, 0, kMaxInt)};
       }},
      {"dialers.ca_file", "PEM file of CA certificates trusted for the dialer, beside the system's",
       [](Config& c, const std::string& v) { c.dialer_ca_file = v; }, TomlType::kString},
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
