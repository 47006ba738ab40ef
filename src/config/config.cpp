#include "config/config.hpp"

#include <toml++/toml.h>

#include <array>
#include <sstream>

#include "config/settings.hpp"
#include "config/values.hpp"
#include "domain/address.hpp"
#include "domain/enum_names.hpp"

extern char** environ;  // NOLINT: POSIX

namespace dialtrack::config {
namespace {

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

std::string_view toml_type_name(const toml::node& node) {
  // The types a setting can be given wrongly; the rest are dates and times.
  constexpr std::array<domain::EnumName<toml::node_type>, 6> kNames{{
      {toml::node_type::string, "a string"},
      {toml::node_type::integer, "an integer"},
      {toml::node_type::floating_point, "a floating-point number"},
      {toml::node_type::boolean, "a boolean"},
      {toml::node_type::array, "an array"},
      {toml::node_type::table, "a table"},
  }};
  return domain::name_of(kNames, node.type(), "a date or time");
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
