#include "domain/json_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace dialtrack::domain {
namespace {

namespace json = boost::json;

/// How Boost.JSON escapes each byte: 0 for none, 'u' for `\u00XX`, else the letter after the
/// backslash. Bytes from 0x80 (UTF-8 sequences) and DEL are written as they are.
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> table{};
  for (std::size_t c = 0; c < 0x20; ++c) {
    table[c] = 'u';
  }
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

void append_string(std::string& out, std::string_view text) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const char escape = kEscapes[byte];
    if (escape == 0) {
      continue;
    }
    out.append(text.substr(plain_from, i - plain_from));
    plain_from = i + 1;
    out.push_back('\\');
    if (escape == 'u') {
      out.append("u00");
      out.push_back(kHex[byte >> 4U]);
      out.push_back(kHex[byte & 0xFU]);
    } else {
      out.push_back(escape);
    }
  }
  out.append(text.substr(plain_from));
  out.push_back('"');
}

void append_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out.append("null");
    return;
  }
  // Fixed notation at its longest: 309 digits before the point (DBL_MAX), or "0." and 323
  // zeros before the digits of the smallest subnormal, plus a sign.
  std::array<char, 400> buffer{};
  const auto result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  out.append(buffer.data(), result.ptr);
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void append_array(std::string& out, const json::array& array);
void append_object(std::string& out, const json::object& object);

void append_value(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      out.append("null");
      return;
    case json::kind::bool_:
      out.append(value.get_bool() ? "true" : "false");
      return;
    case json::kind::int64:
      append_integer(out, value.get_int64());
      return;
    case json::kind::uint64:
      append_integer(out, value.get_uint64());
      return;
    case json::kind::double_:
      append_double(out, value.get_double());
      return;
    case json::kind::string:
      append_string(out, value.get_string());
      return;
    case json::kind::array:
      append_array(out, value.get_array());
      return;
    case json::kind::object:
      append_object(out, value.get_object());
      return;
  }
}

void append_array(std::string& out, const json::array& array) {
  out.push_back('[');
  bool first = true;
  for (const auto& element : array) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    append_value(out, element);
  }
  out.push_back(']');
}

void append_object(std::string& out, const json::object& object) {
  out.push_back('{');
  bool first = true;
  for (const auto& member : object) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    append_string(out, member.key());
    out.push_back(':');
    append_value(out, member.value());
  }
  out.push_back('}');
}

}  // namespace

void append_json_text(std::string& out, const json::value& value) {
  append_value(out, value);
}

std::string json_text(const json::value& value) {
  std::string out;
  append_value(out, value);
  return out;
}

std::string json_text(const json::object& object) {
  std::string out;
  append_object(out, object);
  return out;
}

std::string json_text(const json::array& array) {
  std::string out;
  append_array(out, array);
  return out;
}

}  // namespace dialtrack::domain
