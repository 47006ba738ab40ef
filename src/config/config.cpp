#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <sstream>

#include "domain/address.hpp"
#include "domain/call_status.hpp"
#include "domain/integer.hpp"
#include "domain/phone.hpp"
#include "domain/webhooks.hpp"

extern char** environ;  // NOLINT: POSIX

namespace dialtrack::config {
namespace {

std::int64_t parse_int(const std::string& text, std::int64_t min, std::int64_t max) {
  const auto parsed = domain::parse_int64(text);
  if (!parsed) {
    throw std::invalid_argument("'" + text + "' is not an integer");
  }
  const std::int64_t value = *parsed;
  if (value < min || value > max) {
    throw std::invalid_argument(std::to_string(value) + " is outside " + std::to_string(min) +
                                ".." + std::to_string(max));
  }
  return value;
}

std::vector<std::string> parse_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) {
      out.push_back(item);
    }
  }
  return out;
}

std::vector<std::string> parse_status_list(const std::string& text) {
  auto items = parse_list(text);
  for (const auto& item : items) {
    if (!domain::is_valid_call_status(item)) {
      throw std::invalid_argument("'" + item +
                                  "' is not a call status (1-64 ASCII letters, digits or _)");
    }
  }
  return items;
}

/// `url|secret` or `url|secret|event;event`, several separated by commas.
std::vector<WebhookSubscription> parse_webhooks(const std::string& text) {
  std::vector<WebhookSubscription> out;
  for (const auto& item : parse_list(text)) {
    const auto first = item.find('|');
    const auto last = item.rfind('|');
    if (first == std::string::npos) {
      throw std::invalid_argument("'" + item + "' is not url|secret or url|secret|events");
    }
    WebhookSubscription webhook;
    webhook.url = item.substr(0, first);
    webhook.secret = item.substr(first + 1, (last == first ? item.size() : last) - first - 1);
    if (!domain::is_webhook_url(webhook.url)) {
      throw std::invalid_argument("'" + webhook.url + "' is not an http:// or https:// URL");
    }
    if (webhook.secret.empty()) {
      throw std::invalid_argument("the webhook " + webhook.url + " has an empty secret");
    }
    if (last != first) {
      std::stringstream events(item.substr(last + 1));
      std::string event;
      while (std::getline(events, event, ';')) {
        if (!domain::event::is_known(event)) {
          throw std::invalid_argument("'" + event +
                                      "' is not an event (task.completed, task.status_changed)");
        }
        webhook.events.push_back(event);
      }
    }
    out.push_back(std::move(webhook));
  }
  return out;
}

bool parse_bool(const std::string& text) {
  std::string lower;
  for (const char c : text) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") {
    return true;
  }
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off" || lower.empty()) {
    return false;
  }
  throw std::invalid_argument("'" + text + "' is not a boolean (true/false, 1/0)");
}

constexpr std::size_t kMinTokenLength = 16;

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

std::string lowercase(std::string text) {
  for (auto& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

/// Checks one token and normalises its digest; the messages never repeat the token itself.
ApiToken checked_token(ApiToken token) {
  if (token.name.empty() || token.name.find_first_of(" \t,:") != std::string::npos) {
    throw std::invalid_argument("a token name must be non-empty, without spaces, ',' or ':' ('" +
                                token.name + "')");
  }
  if (token.scope != "read" && token.scope != "write" && token.scope != "admin") {
    throw std::invalid_argument("token " + token.name + ": scope '" + token.scope +
                                "' is not read, write or admin");
  }
  if (token.token.empty() == token.sha256_hex.empty()) {
    throw std::invalid_argument("token " + token.name + ": give either token or sha256");
  }
  if (!token.sha256_hex.empty()) {
    if (!is_sha256_hex(token.sha256_hex)) {
      throw std::invalid_argument("token " + token.name +
                                  ": sha256 must be 64 hex digits (sha256sum of the token)");
    }
    token.sha256_hex = lowercase(token.sha256_hex);
  } else if (token.token.size() < kMinTokenLength) {
    throw std::invalid_argument("token " + token.name + ": shorter than " +
                                std::to_string(kMinTokenLength) + " characters");
  }
  return token;
}

/// `name:scope:TOKEN` or `name:scope:sha256:HEX`, several separated by commas.
std::vector<ApiToken> parse_tokens(const std::string& text) {
  std::vector<ApiToken> out;
  for (const auto& item : parse_list(text)) {
    const auto first = item.find(':');
    const auto second = first == std::string::npos ? first : item.find(':', first + 1);
    if (second == std::string::npos) {
      throw std::invalid_argument("a token entry is not name:scope:token or name:scope:sha256:HEX");
    }
    ApiToken token;
    token.name = item.substr(0, first);
    token.scope = item.substr(first + 1, second - first - 1);
    const auto secret = item.substr(second + 1);
    if (secret.starts_with("sha256:") && is_sha256_hex(secret.substr(7))) {
      token.sha256_hex = secret.substr(7);
    } else {
      token.token = secret;
    }
    out.push_back(checked_token(std::move(token)));
  }
  return out;
}

/// `[[auth.tokens]]` tables (name, scope, token or sha256), or strings as in parse_tokens.
std::vector<ApiToken> toml_tokens(const toml::array& items, const std::string& origin) {
  std::vector<ApiToken> out;
  std::size_t index = 0;
  for (const auto& item : items) {
    const std::string where = origin + ": auth.tokens[" + std::to_string(index++) + "]";
    try {
      if (const auto* text = item.as_string()) {
        for (auto& token : parse_tokens(text->get())) {
          out.push_back(std::move(token));
        }
        continue;
      }
      const auto* table = item.as_table();
      if (table == nullptr) {
        throw std::invalid_argument("not a table {name, scope, token | sha256}");
      }
      ApiToken token;
      for (const auto& [name, value] : *table) {
        const auto* text = value.as_string();
        if (text == nullptr) {
          throw std::invalid_argument(std::string(name.str()) + " must be a string");
        }
        const std::string_view key = name.str();
        if (key == "name") {
          token.name = text->get();
        } else if (key == "scope") {
          token.scope = text->get();
        } else if (key == "token") {
          token.token = text->get();
        } else if (key == "sha256") {
          token.sha256_hex = text->get();
        } else {
          throw std::invalid_argument("unknown key '" + std::string(name.str()) + "'");
        }
      }
      out.push_back(checked_token(std::move(token)));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(where + ": " + e.what());
    }
  }
  return out;
}

/// `auth.token_file`: lines `name scope sha256hex`; blank lines and `#` comments are skipped.
std::vector<ApiToken> read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw ConfigError("auth.token_file " + path + ": cannot be read");
  }
  std::vector<ApiToken> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto hash = line.find('#');
    std::istringstream words(line.substr(0, hash));
    ApiToken token;
    std::string extra;
    if (!(words >> token.name)) {
      continue;
    }
    if (!(words >> token.scope >> token.sha256_hex) || (words >> extra)) {
      throw ConfigError("auth.token_file " + path + " line " + std::to_string(number) +
                        ": expected 'name scope sha256hex'");
    }
    try {
      out.push_back(checked_token(std::move(token)));
    } catch (const std::invalid_argument& e) {
      throw ConfigError("auth.token_file " + path + " line " + std::to_string(number) + ": " +
                        e.what());
    }
  }
  return out;
}

/// Checks that need every setting at once.
void validate(Config& config) {
  if (config.body_memory_budget < config.body_limit) {
    throw ConfigError("server.body_memory_budget (" + std::to_string(config.body_memory_budget) +
                      ") is smaller than http.body_limit (" + std::to_string(config.body_limit) +
                      "): a body at the limit could never be read");
  }
  if (!config.token_file.empty()) {
    for (auto& token : read_token_file(config.token_file)) {
      config.tokens.push_back(std::move(token));
    }
  }
  for (std::size_t i = 0; i < config.tokens.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (config.tokens[i].name == config.tokens[j].name) {
        throw ConfigError("auth: the token name " + config.tokens[i].name + " is used twice");
      }
    }
  }
  if (!config.webhook_allow_private_targets) {
    for (const auto& webhook : config.webhooks) {
      const auto host = domain::url_host(webhook.url);
      const auto kind = host ? domain::classify_literal_host(*host) : std::nullopt;
      if (kind && *kind != domain::AddressKind::kPublic) {
        throw ConfigError("webhooks.urls: " + webhook.url + " is a " +
                          std::string(domain::address_kind_name(*kind)) +
                          " address; set webhooks.allow_private_targets = true to allow it");
      }
    }
  }
}

/// What a setting's value must be in the TOML file (the environment and flags carry text).
enum class TomlType {
  kScalar,   ///< a string or an integer: numbers, and words read like numbers (`4`, `"4"`)
  kString,   ///< a string only: an array or a number is a mistake, not a value to guess from
  kBoolean,  ///< true or false (or the text or number the environment would carry)
  kList,     ///< an array of strings, or the comma-separated string the environment carries
};

struct Setting {
  const char* key;  ///< `section.name` in the file; flags use it too
  const char* description;
  std::function<void(Config&, const std::string&)> apply;
  TomlType toml = TomlType::kScalar;
};

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

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

/// TOML values become the same text a flag or variable would carry, so one parser validates all;
/// but only values of the setting's TomlType: `access_key_secret = ["S"]` is refused, never
/// flattened into the text "S" (the message names the setting, never the value).
std::string toml_text(const toml::node& node, const std::string& key, const std::string& file) {
  const auto* setting = find_setting(key);
  if (setting == nullptr) {
    throw ConfigError(file + ": unknown setting '" + key + "'");
  }
  const auto type = setting->toml;
  auto refusal = [&](std::string_view wanted, const toml::node& value, const std::string& name) {
    return ConfigError(file + ": " + name + ": must be " + std::string(wanted) + ", not " +
                       std::string(toml_type_name(value)));
  };
  if (const auto* s = node.as_string()) {
    return s->get();
  }
  if (const auto* i = node.as_integer();
      i != nullptr && (type == TomlType::kScalar || type == TomlType::kBoolean)) {
    return std::to_string(i->get());
  }
  if (const auto* b = node.as_boolean(); b != nullptr && type == TomlType::kBoolean) {
    return b->get() ? "1" : "0";
  }
  if (const auto* a = node.as_array(); a != nullptr && type == TomlType::kList) {
    std::string out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto* item = (*a)[i].as_string();
      if (item == nullptr) {
        throw refusal("a string", (*a)[i], key + "[" + std::to_string(i) + "]");
      }
      out += (out.empty() ? "" : ",") + item->get();
    }
    return out;
  }
  switch (type) {
    case TomlType::kString:
      throw refusal("a string", node, key);
    case TomlType::kBoolean:
      throw refusal("true or false", node, key);
    case TomlType::kList:
      throw refusal("an array of strings", node, key);
    case TomlType::kScalar:
      break;
  }
  throw refusal("a string or an integer", node, key);
}

void apply_table(Config& config, const toml::table& table, const std::string& prefix,
                 const std::string& file) {
  for (const auto& [name, node] : table) {
    const std::string key =
        prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    // A table named like a setting is a wrong value for it (toml_text says so), not a section.
    if (const auto* sub = node.as_table(); sub != nullptr && find_setting(key) == nullptr) {
      apply_table(config, *sub, key, file);
    } else if (const auto* items = node.as_array(); items != nullptr && key == "auth.tokens") {
      config.tokens = toml_tokens(*items, file);
    } else {
      apply(config, key, toml_text(node, key, file), file);
    }
  }
}

}  // namespace

Config load(const std::optional<std::string>& file, const std::vector<std::string>& environment,
            const Overrides& flags) {
  Config config;
  if (file) {
    toml::table table;
    try {
      table = toml::parse_file(*file);
    } catch (const toml::parse_error& e) {
      std::ostringstream out;
      out << "config file " << *file << ": " << e.description() << " at line "
          << e.source().begin.line;
      throw ConfigError(out.str());
    }
    apply_table(config, table, "", "config file " + *file);
  }
  for (const auto& entry : environment) {
    if (!entry.starts_with("DIALTRACK_")) {
      continue;
    }
    const auto eq = entry.find('=');
    if (eq == std::string::npos) {
      continue;
    }
    const std::string name = entry.substr(0, eq);
    for (const auto& s : settings()) {
      if (env_name(s.key) == name) {
        apply(config, s.key, entry.substr(eq + 1), "environment variable " + name);
      }
    }
  }
  for (const auto& [key, value] : flags) {
    apply(config, key, value, "flag --" + key);
  }
  validate(config);
  return config;
}

std::vector<std::string> process_environment() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    out.emplace_back(*e);
  }
  return out;
}

std::vector<std::string> describe_settings() {
  std::vector<std::string> out;
  for (const auto& s : settings()) {
    out.push_back(std::string(s.key) + " (" + env_name(s.key) + "): " + s.description);
  }
  return out;
}

bool alibaba_configured(const Config& config) {
  const int set = static_cast<int>(!config.alibaba_access_key_id.empty()) +
                  static_cast<int>(!config.alibaba_access_key_secret.empty()) +
                  static_cast<int>(!config.alibaba_instance_id.empty());
  if (set != 0 && set != 3) {
    throw ConfigError(
        "dialers.alibaba: access_key_id, access_key_secret and instance_id must be set together");
  }
  return set == 3;
}

}  // namespace dialtrack::config
