#pragma once

#include <optional>
#include <string_view>

/// Texts in the two languages the service writes for people (the API's messages, the exports'
/// labels), and the one lookup of a table of them by a string key.
namespace dialtrack::domain {

/// A text in Chinese and in English.
struct Bilingual {
  std::string_view zh;
  std::string_view en;
};

/// One entry of a table of texts found by a string: a call status, the name of a field's type.
struct BilingualEntry {
  std::string_view key;
  Bilingual text;
};

/// The texts of `key` in `table` (a range of BilingualEntry); none when the table does not
/// list it.
template <typename Table>
constexpr std::optional<Bilingual> find_text(const Table& table, std::string_view key) {
  for (const BilingualEntry& entry : table) {
    if (entry.key == key) {
      return entry.text;
    }
  }
  return std::nullopt;
}

}  // namespace dialtrack::domain
