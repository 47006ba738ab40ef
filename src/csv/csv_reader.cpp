#include "csv/csv_reader.hpp"

namespace dialtrack::csv {

void Reader::end_field() {
  fields_.push_back(std::move(field_));
  field_.clear();
}

void Reader::end_row(std::vector<Row>& out) {
  if (row_has_content_ || !fields_.empty()) {
    end_field();
    out.push_back({std::move(fields_), row_line_});
  }
  fields_.clear();
  field_.clear();
  row_has_content_ = false;
  state_ = State::kFieldStart;
}

void Reader::feed(std::string_view chunk, std::vector<Row>& out) {
  for (const char c : chunk) {
    if (state_ == State::kAfterCr) {
      // A CR ended the row; an LF right after it belongs to the same line end.
      state_ = State::kFieldStart;
      if (c == '\n') {
        continue;
      }
    }
    switch (state_) {
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          if (c == '\n') {
            ++line_;
          }
          field_ += c;
        }
        continue;
      case State::kQuoteInQuoted:
        if (c == '"') {
          field_ += '"';
          state_ = State::kQuoted;
          continue;
        }
        state_ = State::kUnquoted;  // the quoted part ended; anything else is plain text
        break;
      case State::kFieldStart:
        if (!row_has_content_ && fields_.empty()) {
          row_line_ = line_;
        }
        if (c == '"') {
          row_has_content_ = true;
          state_ = State::kQuoted;
          continue;
        }
        break;
      case State::kUnquoted:
      case State::kAfterCr:
        break;
    }
    // Unquoted text, or the separator or line end after a field.
    if (c == ',') {
      row_has_content_ = true;
      end_field();
      state_ = State::kFieldStart;
    } else if (c == '\n' || c == '\r') {
      end_row(out);
      ++line_;
      state_ = c == '\r' ? State::kAfterCr : State::kFieldStart;
    } else {
      row_has_content_ = true;
      field_ += c;
      state_ = State::kUnquoted;
    }
  }
}

bool Reader::finish(std::vector<Row>& out) {
  if (state_ == State::kQuoted) {
    return false;
  }
  end_row(out);
  return true;
}

std::optional<std::vector<Row>> parse(std::string_view text) {
  Reader reader;
  std::vector<Row> rows;
  reader.feed(text, rows);
  if (!reader.finish(rows)) {
    return std::nullopt;
  }
  return rows;
}

}  // namespace dialtrack::csv
