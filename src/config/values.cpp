#include "config/values.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "domain/call_status.hpp"
#include "domain/integer.hpp"
#include "domain/webhooks.hpp"

namespace dialtrack::config {
namespace {

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

}  // namespace

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

}  // namespace dialtrack::config
