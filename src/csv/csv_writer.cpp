#include "csv/csv_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace dialtrack::csv {

void append_field(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
}

Writer& Writer::field(std::string_view value) {
  if (!first_) {
    out_ += ',';
  }
  first_ = false;
  append_field(out_, value);
  return *this;
}

Writer& Writer::field(std::int64_t value) {
  return field(std::string_view(std::to_string(value)));
}

Writer& Writer::field(double value) {
  // Shortest text that reads back as the same double; whole numbers without a fraction.
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc{}) {
    return field(std::string_view("0"));
  }
  return field(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

void Writer::end_row() {
  out_ += "\r\n";
  first_ = true;
}

void Writer::row(std::initializer_list<std::string_view> fields) {
  for (const auto f : fields) {
    field(f);
  }
  end_row();
}

void Writer::row(std::span<const std::string> fields) {
  for (const auto& f : fields) {
    field(std::string_view(f));
  }
  end_row();
}

}  // namespace dialtrack::csv
