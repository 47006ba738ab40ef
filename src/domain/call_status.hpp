#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dialtrack::domain {

/// True for a status token of 1-64 ASCII letters, digits or `_`.
bool is_valid_call_status(std::string_view status);

/// Decides which call statuses count as connected: exact names plus name prefixes.
class StatusClassifier {
 public:
  /// The default of the spec: the four statuses of the original description and every
  /// status starting with `Succeeded` (cloud dialers report answered calls that way).
  StatusClassifier();
  StatusClassifier(std::vector<std::string> names, std::vector<std::string> prefixes);

  /// True when a record with this status counts as connected.
  [[nodiscard]] bool is_connected(std::string_view status) const;

  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  [[nodiscard]] const std::vector<std::string>& prefixes() const { return prefixes_; }

 private:
  std::vector<std::string> names_;
  std::vector<std::string> prefixes_;
};

}  // namespace dialtrack::domain
