#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dialtrack::csv {

/// One parsed row and the line of the input it starts on (1-based; a quoted field may span
/// several lines).
struct Row {
  std::vector<std::string> fields;
  std::int64_t line = 0;
};

/// An incremental RFC 4180 reader: fields separated by commas, rows by LF or CRLF, fields in
/// double quotes may hold commas, line breaks and doubled quotes. Input is fed in chunks of any
/// size (a row may be split anywhere), so a file of any length is read in bounded memory.
/// Lenient where spreadsheets are: a quote inside an unquoted field is kept as text, text after
/// a closing quote is appended, empty lines are skipped. Bytes are passed through untouched.
class Reader {
 public:
  /// Appends the rows completed by `chunk` to `out`.
  void feed(std::string_view chunk, std::vector<Row>& out);
  /// Ends the input: appends the last row if it had no line end. False (and nothing appended)
  /// when the input ended inside a quoted field; `open_quote_line()` tells where it began.
  bool finish(std::vector<Row>& out);
  [[nodiscard]] std::int64_t open_quote_line() const { return row_line_; }

 private:
  void end_field();
  void end_row(std::vector<Row>& out);

  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };
  State state_ = State::kFieldStart;
  std::string field_;
  std::vector<std::string> fields_;
  bool row_has_content_ = false;
  std::int64_t line_ = 1;      ///< the line being read
  std::int64_t row_line_ = 1;  ///< the line the current row began on
};

/// Parses a whole buffer; nothing when it ends inside a quoted field.
std::optional<std::vector<Row>> parse(std::string_view text);

}  // namespace dialtrack::csv
