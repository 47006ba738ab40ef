#include "cli/wiring.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>
#include <thread>

#include "dialers/alibaba/alibaba_outboundbot.hpp"

namespace dialtrack::cli {

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

int cores() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::optional<std::string> missing_database(std::string_view db) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) {
    return std::nullopt;
  }
  const std::string path(db.starts_with("sqlite:") ? db.substr(7) : db);
  std::error_code ec;
  if (path.empty() || std::filesystem::exists(path, ec)) {
    return std::nullopt;  // an empty path is refused by open_store with its own message
  }
  return "no database at \"" + path +
         "\": this command reads a database and does not create one. Name it with --db (a "
         "SQLite file, sqlite:PATH or a postgresql:// URL; default ./dialtrack.db), or create "
         "it with `dialtrack migrate`";
}

std::string instance_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) {
    host[0] = '\0';
  }
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

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

}  // namespace dialtrack::cli
