#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/interface.hpp"
#include "domain/types.hpp"
#include "export/exporter.hpp"
#include "store_api/store.hpp"

/// The rows of an export, read page by page from the store: what the CSV and XLSX writers
/// (exporter.cpp) turn into bytes. Internal to src/export.
namespace dialtrack::exports {

/// One cell of an export, typed so XLSX can write it as what it is.
struct Cell {
  enum class Type { kEmpty, kText, kPhone, kNumber, kTime };
  Type type = Type::kEmpty;
  std::string text;
  std::int64_t number = 0;
  domain::Timestamp at{};

  static Cell of_text(std::string value) { return {Type::kText, std::move(value), 0, {}}; }
  static Cell of_text(const std::optional<std::string>& value) {
    return value ? of_text(*value) : Cell{};
  }
  static Cell of_text(std::string_view value) { return of_text(std::string(value)); }
  static Cell of_phone(std::string value) { return {Type::kPhone, std::move(value), 0, {}}; }
  static Cell of_number(std::int64_t value) { return {Type::kNumber, {}, value, {}}; }
  static Cell of_number(std::optional<std::int64_t> value) {
    return value ? of_number(*value) : Cell{};
  }
  static Cell of_time(std::optional<domain::Timestamp> value) {
    return value ? Cell{Type::kTime, {}, 0, *value} : Cell{};
  }
};

using Row = std::vector<Cell>;

/// The rows of an export: the header (known once the first page is read) and pages of rows.
class Table : public domain::Interface {
 public:
  virtual std::vector<std::string> header() = 0;
  /// The next page of rows; empty at the end.
  virtual std::vector<Row> next_page() = 0;
};

/// The table of a task's records or leads (per `request.kind`), reading nothing yet.
std::unique_ptr<Table> make_table(store_api::Store& store, const Request& request);

}  // namespace dialtrack::exports
