#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace dialtrack::csv {

/// The UTF-8 byte order mark: spreadsheet programs need it to read Chinese text as UTF-8.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/// Appends one RFC 4180 field: quoted (quotes doubled) when it holds a comma, a quote, CR or
/// LF, or starts or ends with a space; as it is otherwise.
void append_field(std::string& out, std::string_view field);

/// Builds CSV text row by row, CRLF line ends, into a string the caller owns (and may flush
/// and clear between rows when streaming).
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Writer& field(std::string_view value);
  Writer& field(std::int64_t value);
  Writer& field(double value);
  /// Ends the current row.
  void end_row();
  /// A whole row of text fields.
  void row(std::initializer_list<std::string_view> fields);
  void row(std::span<const std::string> fields);

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace dialtrack::csv
