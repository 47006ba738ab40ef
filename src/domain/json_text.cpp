#include "domain/json_text.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/visit.hpp>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <optional>

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

/// Whether any of the eight bytes of `word` needs an escape (below 0x20, '"' or '\\'): the
/// exact tests of "has a byte less than n" and "has a zero byte" from Bit Twiddling Hacks.
constexpr bool needs_escape(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101U;
  constexpr std::uint64_t kHigh = 0x8080808080808080U;
  const auto has_below = [](std::uint64_t x, std::uint64_t n) {
    return (x - kOnes * n) & ~x & kHigh;
  };
  return (has_below(word, 0x20) | has_below(word ^ (kOnes * '"'), 1) |
          has_below(word ^ (kOnes * '\\'), 1)) != 0;
}

/// How many bytes at the start of `text` need no escape: eight at a time, then one by one.
std::size_t plain_prefix(std::string_view text) {
  std::size_t i = 0;
  while (i + sizeof(std::uint64_t) <= text.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (needs_escape(word)) {
      break;
    }
    i += sizeof word;
  }
  while (i < text.size() && kEscapes[static_cast<unsigned char>(text[i])] == 0) {
    ++i;
  }
  return i;
}

/// `text` quoted and escaped as Boost.JSON does; `plain` bytes at its start need no escape.
void append_escaped(std::string& out, std::string_view text, std::size_t plain) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out.push_back('"');
  out.append(text.substr(0, plain));
  std::size_t plain_from = plain;
  for (std::size_t i = plain; i < text.size(); ++i) {
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

/// `text` as a JSON string, after a comma when `comma` and before a colon when `colon` (a
/// member's name). Most text needs no escape: then it goes in whole, in three appends with what
/// is around it (not a push_back per quote, comma and colon).
void append_string(std::string& out, std::string_view text, bool comma = false,
                   bool colon = false) {
  const auto plain = plain_prefix(text);
  if (plain == text.size()) {
    out.append(comma ? ",\"" : "\"").append(text).append(colon ? "\":" : "\"");
    return;
  }
  if (comma) {
    out.push_back(',');
  }
  append_escaped(out, text, plain);
  if (colon) {
    out.push_back(':');
  }
}

/// A value that is not a container, given as its JSON text, after a comma when `comma` is set
/// (a value was written before it at its level); sets `comma` for the next one.
void append_scalar(std::string& out, bool& comma, std::string_view json) {
  out.append(comma ? "," : "").append(json);
  comma = true;
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

/// Writes a value of each kind, as json::visit hands it over.
struct AppendKind {
  std::string& out;

  void operator()(std::nullptr_t) const { out.append("null"); }
  void operator()(bool value) const { out.append(value ? "true" : "false"); }
  template <std::integral Integer>
  void operator()(Integer value) const {
    append_integer(out, value);
  }
  void operator()(double value) const { append_double(out, value); }
  void operator()(const json::string& value) const { append_string(out, value); }
  void operator()(const json::array& value) const { append_array(out, value); }
  void operator()(const json::object& value) const { append_object(out, value); }
};

void append_value(std::string& out, const json::value& value) {
  json::visit(AppendKind{out}, value);
}

/// `open`, each of `items` written by `append_item`, commas between them, and `close`.
template <typename Items, typename AppendItem>
void append_list(std::string& out, char open, const Items& items, char close,
                 AppendItem append_item) {
  out.push_back(open);
  bool first = true;
  for (const auto& item : items) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    append_item(item);
  }
  out.push_back(close);
}

void append_array(std::string& out, const json::array& array) {
  append_list(out, '[', array, ']',
              [&](const json::value& element) { append_value(out, element); });
}

void append_object(std::string& out, const json::object& object) {
  append_list(out, '{', object, '}', [&](const json::key_value_pair& member) {
    append_string(out, member.key());
    out.push_back(':');
    append_value(out, member.value());
  });
}

/// Whether `text` reads back, through boost::json::parse and json_text, as the very same bytes,
/// checked in one pass over a plain subset of JSON: no whitespace; strings of ASCII without
/// escapes or control bytes; integers of at most 18 digits (no `-0`, no fraction, no
/// exponent); `true`, `false`, `null`; objects of at most 16 members without a repeated name;
/// at most 16 levels deep. Anything outside the subset answers false, never a wrong true: the
/// caller then parses it.
class CanonicalCheck {
 public:
  explicit CanonicalCheck(std::string_view text) : p_(text.data()), end_(p_ + text.size()) {}

  bool run() { return value(0) && p_ == end_; }

 private:
  static constexpr int kMaxDepth = 16;
  static constexpr std::size_t kMaxMembers = 16;
  static constexpr int kMaxDigits = 18;

  bool value(int depth) {
    if (p_ == end_) {
      return false;
    }
    switch (*p_) {
      case '{':
        return depth < kMaxDepth && object(depth + 1);
      case '[':
        return depth < kMaxDepth && array(depth + 1);
      case '"':
        return string().has_value();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return integer();
    }
  }

  bool object(int depth) {
    std::array<std::string_view, kMaxMembers> names{};
    std::size_t count = 0;
    return items('}', [&] {
      if (p_ == end_ || *p_ != '"' || count == kMaxMembers) {
        return false;
      }
      const auto name = string();
      if (!name) {
        return false;
      }
      for (std::size_t i = 0; i < count; ++i) {
        if (names[i] == *name) {
          return false;  // the parse keeps one of them: the text would change
        }
      }
      names[count++] = *name;
      return take(':') && value(depth);
    });
  }

  bool array(int depth) {
    return items(']', [&] { return value(depth); });
  }

  /// A container's items, each read by `item()`, commas between them, up to its `close`
  /// bracket; its opening bracket is next.
  template <typename Item>
  bool items(char close, Item item) {
    ++p_;  // the opening bracket
    if (take(close)) {
      return true;
    }
    do {
      if (!item()) {
        return false;
      }
    } while (take(','));
    return take(close);
  }

  /// Steps past `c` when it comes next.
  bool take(char c) {
    if (p_ != end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  /// The string's content, past its closing quote; empty when outside the subset.
  std::optional<std::string_view> string() {
    const char* start = ++p_;  // past '"'
    while (p_ != end_) {
      const auto byte = static_cast<unsigned char>(*p_);
      if (byte == '"') {
        const std::string_view content(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return content;
      }
      if (byte < 0x20 || byte >= 0x80 || byte == '\\') {
        return std::nullopt;
      }
      ++p_;
    }
    return std::nullopt;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool integer() {
    const bool negative = *p_ == '-';
    if (negative) {
      ++p_;
    }
    const char* digits = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
      ++p_;
    }
    const auto count = p_ - digits;
    if (count == 0 || count > kMaxDigits || (*digits == '0' && (count > 1 || negative))) {
      return false;  // `-0` reads as 0; leading zeros do not parse
    }
    return p_ == end_ || (*p_ != '.' && *p_ != 'e' && *p_ != 'E');
  }

  const char* p_;
  const char* end_;
};

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

void JsonWriter::separate() {
  if (comma_) {
    out_.push_back(',');
  }
}

JsonWriter& JsonWriter::open(char bracket) {
  separate();
  out_.push_back(bracket);
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_.push_back(bracket);
  comma_ = true;
  return *this;
}

template <typename Write>
JsonWriter& JsonWriter::scalar(Write write) {
  separate();
  write();
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  // The comma, the quoted name and the colon in one piece.
  append_string(out_, name, comma_, true);
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  append_string(out_, text, comma_);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  append_scalar(out_, comma_, std::string_view(buffer.data(), result.ptr));
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  append_scalar(out_, comma_, value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::number(double value) {
  return scalar([&] { append_double(out_, value); });
}

JsonWriter& JsonWriter::null() {
  append_scalar(out_, comma_, "null");
  return *this;
}

JsonWriter& JsonWriter::value(const json::value& value) {
  return scalar([&] { append_value(out_, value); });
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  append_scalar(out_, comma_, json);
  return *this;
}

JsonWriter& JsonWriter::reparsed(std::string_view text) {
  if (CanonicalCheck(text).run()) {
    return raw(text);
  }
  boost::system::error_code ec;
  const auto parsed = json::parse(text, ec);
  return ec ? null() : value(parsed);
}

}  // namespace dialtrack::domain
