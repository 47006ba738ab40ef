#include "config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <sstream>

#include "domain/call_status.hpp"
#include "domain/webhooks.hpp"

extern char** environ;  // NOLINT: POSIX

namespace dialtrack::config {
namespace {

std::int64_t parse_int(const std::string& text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    throw std::invalid_argument("'" + text + "' is not an integer");
  }
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

struct Setting {
  const char* key;  ///< `section.name` in the file; flags use it too
  const char* description;
  std::function<void(Config&, const std::string&)> apply;
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
       [](Config& c, const std::string& v) { c.listen = v; }},
      {"db", "database: a SQLite file path, sqlite:PATH, or a postgresql:// URL",
       [](Config& c, const std::string& v) { c.db = v; }},
      {"log_level", "trace, debug, info, warn, error or off",
       [](Config& c, const std::string& v) {
         static const std::vector<std::string> kLevels{"trace", "debug", "info",
                                                       "warn",  "error", "off"};
         if (std::find(kLevels.begin(), kLevels.end(), v) == kLevels.end()) {
           throw std::invalid_argument("'" + v +
                                       "' is not one of trace, debug, info, warn, error, off");
         }
         c.log_level = v;
       }},
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
      {"http.shutdown_grace_ms", "on SIGTERM, how long requests in flight may take to finish",
       [](Config& c, const std::string& v) { c.shutdown_grace = ms{parse_int(v, 0, kMaxInt)}; }},
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
       [](Config& c, const std::string& v) { c.connected_statuses = parse_status_list(v); }},
      {"completion.connected_prefixes",
       "status prefixes that count as connected (comma-separated; empty for none)",
       [](Config& c, const std::string& v) { c.connected_prefixes = parse_status_list(v); }},
      {"webhooks.urls",
       "webhook subscriptions: url|secret or url|secret|event;event, comma-separated (a TOML "
       "array of such strings); added or updated by url at start-up",
       [](Config& c, const std::string& v) { c.webhooks = parse_webhooks(v); }},
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
       [](Config& c, const std::string& v) { c.webhook_ca_file = v; }},
      {"webhooks.poll_interval_ms", "how often an idle delivery thread looks for due deliveries",
       [](Config& c, const std::string& v) {
         c.webhook_poll_interval = ms{parse_int(v, 10, 600'000)};
       }},
      {"dialers.alibaba.access_key_id", "Alibaba Cloud AccessKey ID of the OutboundBot account",
       [](Config& c, const std::string& v) { c.alibaba_access_key_id = v; }},
      {"dialers.alibaba.access_key_secret",
       "Alibaba Cloud AccessKey secret (never logged or shown; prefer the environment)",
       [](Config& c, const std::string& v) { c.alibaba_access_key_secret = v; }},
      {"dialers.alibaba.instance_id", "OutboundBot instance id",
       [](Config& c, const std::string& v) { c.alibaba_instance_id = v; }},
      {"dialers.alibaba.region", "region of the instance (default cn-shanghai)",
       [](Config& c, const std::string& v) { c.alibaba_region = v; }},
      {"dialers.alibaba.endpoint",
       "API endpoint URL (default https://outboundbot.<region>.aliyuncs.com)",
       [](Config& c, const std::string& v) {
         if (!v.empty() && !domain::is_webhook_url(v)) {
           throw std::invalid_argument("'" + v + "' is not an http:// or https:// URL");
         }
         c.alibaba_endpoint = v;
       }},
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
       [](Config& c, const std::string& v) { c.dialer_ca_file = v; }},
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

/// TOML values become the same text a flag or variable would carry, so one parser validates all.
std::string toml_text(const toml::node& node, const std::string& key, const std::string& file) {
  if (const auto* s = node.as_string()) {
    return s->get();
  }
  if (const auto* i = node.as_integer()) {
    return std::to_string(i->get());
  }
  if (const auto* b = node.as_boolean()) {
    return b->get() ? "1" : "0";
  }
  if (const auto* a = node.as_array()) {
    std::string out;
    for (const auto& item : *a) {
      if (!out.empty()) {
        out += ',';
      }
      out += toml_text(item, key, file);
    }
    return out;
  }
  throw ConfigError(file + ": " + key + ": unsupported value type");
}

void apply_table(Config& config, const toml::table& table, const std::string& prefix,
                 const std::string& file) {
  for (const auto& [name, node] : table) {
    const std::string key =
        prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    if (const auto* sub = node.as_table()) {
      apply_table(config, *sub, key, file);
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
