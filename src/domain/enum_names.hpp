#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

/// The names an enum's values are written as (in JSON, SQL, logs, metrics), as one table of
/// {value, name} pairs instead of a switch each way.
namespace dialtrack::domain {

/// One value and its name; `Name` may be more than one string (the words of two languages).
template <typename Enum, typename Name = std::string_view>
struct EnumName {
  Enum value;
  Name name;
};

/// Whether `names` lists the values `first`..`last` of the enum, each once and in order: checked
/// by a static_assert beside the table, so that a value left out (or listed twice) does not
/// compile, as a switch without a default did not. A value added after `last` must move it.
template <typename Enum, typename Name, std::size_t N>
constexpr bool names_each_value(const std::array<EnumName<Enum, Name>, N>& names, Enum first,
                                Enum last) {
  const auto from = static_cast<long long>(first);
  if (static_cast<long long>(last) - from + 1 != static_cast<long long>(N)) {
    return false;
  }
  for (std::size_t i = 0; i < N; ++i) {
    if (static_cast<long long>(names[i].value) != from + static_cast<long long>(i)) {
      return false;
    }
  }
  return true;
}

/// The name of `value` in `names`, or `fallback` for a value the table does not list (one cast
/// from an integer outside the enum).
template <typename Enum, typename Name, std::size_t N>
constexpr Name name_of(const std::array<EnumName<Enum, Name>, N>& names, Enum value,
                       std::type_identity_t<Name> fallback) {
  // Tables list their values in order from the first (names_each_value), so the entry at the
  // value's distance from the first is the one, checked; the scan serves any other table.
  if constexpr (N > 0) {
    const auto index = static_cast<long long>(value) - static_cast<long long>(names[0].value);
    if (index >= 0 && index < static_cast<long long>(N) &&
        names[static_cast<std::size_t>(index)].value == value) {
      return names[static_cast<std::size_t>(index)].name;
    }
  }
  for (const auto& entry : names) {
    if (entry.value == value) {
      return entry.name;
    }
  }
  return fallback;
}

/// The value called `name` in `names`; none when no value is.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> value_named(const std::array<EnumName<Enum>, N>& names,
                                          std::string_view name) {
  for (const auto& entry : names) {
    if (entry.name == name) {
      return entry.value;
    }
  }
  return std::nullopt;
}

}  // namespace dialtrack::domain
