#pragma once
// Every setting once: its key, what it means, how its text is read and what it must be in TOML.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace dialtrack::config {

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

/// `DIALTRACK_` and the key in capitals, dots as underscores (`http.body_limit` ->
/// `DIALTRACK_HTTP_BODY_LIMIT`).
std::string env_name(std::string_view key);

/// The table of every setting, in the order --help lists them.
const std::vector<Setting>& settings();

/// The setting of `key`, or null.
const Setting* find_setting(std::string_view key);

/// Applies `value` to the setting `key`; throws ConfigError naming `origin` and the key.
void apply(Config& config, std::string_view key, const std::string& value,
           const std::string& origin);

}  // namespace dialtrack::config
