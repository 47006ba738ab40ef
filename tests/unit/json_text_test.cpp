#include "domain/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dialtrack::domain {
namespace {

namespace json = boost::json;

std::string number_text(double value) {
  return json_text(json::value(value));
}

/// The double a text reads back as. std::from_chars, not json::parse: Boost 1.81's parser may
/// miss the nearest double by an ulp (and reads DBL_MAX written out in full as infinity).
double read_back(const std::string& text) {
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  EXPECT_EQ(result.ptr, text.data() + text.size()) << text;
  return value;
}

TEST(JsonText, WritesDoublesAsPlainDecimals) {
  EXPECT_EQ(number_text(0.0), "0");
  EXPECT_EQ(number_text(0.4162), "0.4162");
  EXPECT_EQ(number_text(0.4667), "0.4667");
  EXPECT_EQ(number_text(1.0), "1");
  EXPECT_EQ(number_text(2.5), "2.5");
  EXPECT_EQ(number_text(1e-7), "0.0000001");
  EXPECT_EQ(number_text(1.5e-7), "0.00000015");
  EXPECT_EQ(number_text(1e20), "100000000000000000000");
  EXPECT_EQ(number_text(-0.25), "-0.25");
  EXPECT_EQ(number_text(-3.0), "-3");
  EXPECT_EQ(number_text(123456.789), "123456.789");
  // What Boost writes for the same values, the form SPEC §7 rules out.
  EXPECT_EQ(json::serialize(json::value(0.4162)), "4.162E-1");
}

TEST(JsonText, ExtremeDoublesReadBackExactly) {
  for (const double value :
       {std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
        std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(), 1e300,
        -1e-300, 0.1 + 0.2}) {
    const auto text = number_text(value);
    EXPECT_EQ(text.find_first_of("eE"), std::string::npos) << text;
    EXPECT_EQ(read_back(text), value) << text;
  }
}

TEST(JsonText, RandomDoublesReadBackExactlyWithoutExponent) {
  std::mt19937_64 rng(14);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int i = 0; i < 2000; ++i) {
    const double value = std::ldexp(mantissa(rng), exponent(rng) * 3);
    const auto text = number_text(value);
    ASSERT_EQ(text.find_first_of("eE"), std::string::npos) << text;
    ASSERT_EQ(read_back(text), value) << text;
  }
}

TEST(JsonText, NonFiniteDoublesAreNull) {
  EXPECT_EQ(number_text(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(number_text(-std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(number_text(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(JsonText, IntegersStayIntegers) {
  EXPECT_EQ(json_text(json::value(0)), "0");
  EXPECT_EQ(json_text(json::value(std::numeric_limits<std::int64_t>::min())),
            "-9223372036854775808");
  EXPECT_EQ(json_text(json::value(std::numeric_limits<std::uint64_t>::max())),
            "18446744073709551615");
  EXPECT_TRUE(json::parse(json_text(json::value(42))).is_int64());
}

TEST(JsonText, StringsAreEscapedExactlyAsBoostDoes) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) {
    every_byte.push_back(static_cast<char>(c));
  }
  for (const std::string& text :
       {std::string(), std::string("plain"), std::string("外呼任务 \"十一月\"\\ 1/2"),
        std::string("line\nbreak\ttab\rreturn\bback\fform"), std::string("\x01\x1f\x7f", 3),
        std::string("nul\0inside", 10), every_byte}) {
    const json::value value(text);
    EXPECT_EQ(json_text(value), json::serialize(value));
    json::object keyed;
    keyed[text] = text;
    EXPECT_EQ(json_text(keyed), json::serialize(keyed));
  }
}

TEST(JsonText, EscapesAtEveryPlaceOfALongString) {
  // Plain text is scanned eight bytes at a time: each byte to escape, at each place of a word.
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789 ~!";
  for (const char special :
       {'\0', '\x01', '\x1f', '"', '\\', '\x20', '\x21', '\x7f', '\x80', '\xff', '\n', '/'}) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      std::string text = plain;
      text.insert(at, 1, special);
      const json::value value(text);
      ASSERT_EQ(json_text(value), json::serialize(value)) << at;
      std::string twice = text;
      twice.insert(plain.size() - at, 1, special);
      ASSERT_EQ(json_text(json::value(twice)), json::serialize(json::value(twice))) << at;
    }
  }
}

TEST(JsonText, EverythingButDoublesIsBoostsText) {
  const auto value = json::parse(R"({
    "status": "success", "code": 200, "message": "成功",
    "data": {"items": [1, -2, 18446744073709551615, true, false, null, [], {}, [[[]]],
                       {"a": {"b": [{"c": "d\"e"}]}}, "x"],
             "empty": "", "nested": [[1, [2, [3]]], {"k": null}]}
  })");
  EXPECT_EQ(json_text(value), json::serialize(value));
  EXPECT_EQ(json_text(value.as_object()), json::serialize(value.as_object()));
  EXPECT_EQ(json_text(value.at("data").at("items").as_array()),
            json::serialize(value.at("data").at("items").as_array()));
}

TEST(JsonText, DoublesInsideArraysAndObjects) {
  json::object report{{"connect_rate", 0.4162},
                      {"phone_connect_rate", 0.0},
                      {"talk_time", json::object{{"average_seconds", 71.25}}},
                      {"rates", json::array{1.0, 0.5, 1e-7, -2.75}}};
  EXPECT_EQ(json_text(report),
            R"({"connect_rate":0.4162,"phone_connect_rate":0,)"
            R"("talk_time":{"average_seconds":71.25},"rates":[1,0.5,0.0000001,-2.75]})");
  std::string out = "prefix ";
  append_json_text(out, json::value(report));
  EXPECT_EQ(out, "prefix " + json_text(report));
}

/// What the DOM path writes for stored JSON text: its parse as json_text writes it, or `null`.
std::string dom_reparsed(std::string_view text) {
  boost::system::error_code ec;
  const auto parsed = json::parse(text, ec);
  return ec ? "null" : json_text(parsed);
}

std::string writer_reparsed(std::string_view text) {
  std::string out;
  JsonWriter(out).reparsed(text);
  return out;
}

TEST(JsonWriter, WritesWhatJsonTextWritesForTheSameDom) {
  const json::object dom{
      {"name", "外呼 \"A\"\\\n\x01"},
      {"count", -42},
      {"big", std::numeric_limits<std::int64_t>::max()},
      {"rate", 0.4162},
      {"whole", 3.0},
      {"yes", true},
      {"no", false},
      {"nothing", nullptr},
      {"list", json::array{1, "two", json::object{{"k", json::array{}}}, json::object{}}},
      {"nested", json::object{{"a", json::array{json::array{}, nullptr}}}},
  };
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("name").string("外呼 \"A\"\\\n\x01");
  w.key("count").integer(-42);
  w.key("big").integer(std::numeric_limits<std::int64_t>::max());
  w.key("rate").number(0.4162);
  w.key("whole").number(3.0);
  w.key("yes").boolean(true);
  w.key("no").boolean(false);
  w.key("nothing").null();
  w.key("list").begin_array().integer(1).string("two");
  w.begin_object().key("k").begin_array().end_array().end_object();
  w.begin_object().end_object().end_array();
  w.key("nested").value(dom.at("nested"));
  w.end_object();
  EXPECT_EQ(out, json_text(dom));

  std::string wrapped;
  JsonWriter(wrapped).begin_array().raw(out).raw("[]").null().end_array();
  EXPECT_EQ(wrapped, "[" + out + ",[],null]");
}

TEST(JsonWriter, NamesAndStringsNeedingEscapesAfterOtherMembers) {
  // Escapes in a name and a value after a comma, in the middle and at the end of long text,
  // beside plain ones: each written as json_text writes the DOM.
  const std::string long_plain(40, 'a');
  const std::string long_escaped = long_plain + "\"" + long_plain + "\n";
  const json::object dom{
      {"plain", "x"},
      {"na\"me", "va\\lue"},
      {long_escaped, long_escaped},
      {"", ""},
      {long_plain, json::array{long_plain, "\x1f", "", 7}},
      {"\t", nullptr},
  };
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("plain").string("x");
  w.key("na\"me").string("va\\lue");
  w.key(long_escaped).string(long_escaped);
  w.key("").string("");
  w.key(long_plain).begin_array().string(long_plain).string("\x1f").string("").integer(7);
  w.end_array();
  w.key("\t").null();
  w.end_object();
  EXPECT_EQ(out, json_text(dom));
}

TEST(JsonWriter, ReparsedStoredTextIsTheDomPathsText) {
  std::string deep_16;
  std::string deep_17;
  std::string deep_40;
  for (int i = 0; i < 16; ++i) {
    deep_16 += "[";
  }
  deep_17 = "[" + deep_16 + std::string(17, ']');
  deep_16 += std::string(16, ']');
  deep_40 = std::string(40, '[') + std::string(40, ']');
  std::string many_members = "{";
  for (int i = 0; i < 17; ++i) {
    many_members +=
        (i == 0 ? "" : ",") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
  }
  many_members += "}";
  for (const std::string& text : std::initializer_list<std::string>{
           // The form the service stores: copied as it is.
           R"({"hangup_cause":"client"})", R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})", "{}",
           "[]", R"("text")", "0", "-1", "123456789012345678", "-123456789012345678", "true",
           "null", R"({"del":"\u007f"})", std::string("{\"del\":\"\x7f\"}"), deep_16,
           many_members.substr(0, many_members.rfind(',')) + "}",
           // Spaces, escapes, unicode, numbers the parse rewrites.
           R"({ "a" : 1 })", " {}", "{} ", "\t[1,\n2]", R"({"s":"a\/b"})", R"({"s":"\u0041"})",
           R"({"s":"\u00e9\u4e2d"})", R"({"s":"\ud83d\ude00"})", R"({"s":"tab\tquote\"back\\"})",
           R"({"s":"\u001f\u0000"})", "{\"s\":\"外呼任务\"}", "{\"s\":\"caf\xc3\xa9\"}",
           "{\"emoji\":\"\xf0\x9f\x98\x80\"}", R"({"n":1.0})", R"({"n":1.5})", R"({"n":1e2})",
           R"({"n":1E2})", R"({"n":-0})", R"({"n":-0.0})", R"({"n":0.1})",
           R"({"n":1234567890123456789})", R"({"n":9223372036854775807})",
           R"({"n":-9223372036854775808})", R"({"n":18446744073709551615})",
           R"({"n":18446744073709551616})", R"({"n":1e400})", R"({"n":123456789.123456789})",
           R"({"a":1,"a":2})", R"({"a":{"x":1},"b":{"x":2},"a":3})", deep_17, deep_40, many_members,
           // Not JSON at all: null, as the DOM path answers.
           "", " ", "{", "}", "[1,]", R"({"a":1,})", R"({"a"})", R"({a:1})", "tru", "nul", "01",
           "-", "1.", ".5", "+1", "[1 2]", R"({"a":1}x)", R"({"a":1}{})", R"("unterminated)",
           std::string("{\"c\":\"\x01\"}"), std::string("{\"nul\":\"\0\"}", 10),
           "{\"bad\":\"\xff\"}", "{\"overlong\":\"\xc0\xaf\"}", "{\"cut\":\"\xe4\xb8\"}",
           "[1]/*c*/", "NaN"}) {
    EXPECT_EQ(writer_reparsed(text), dom_reparsed(text)) << text;
  }
}

TEST(JsonWriter, ReparsedRandomMutationsOfStoredTextAreTheDomPathsText) {
  // Stored objects as json_text wrote them, then one byte changed, inserted or dropped: the
  // copy must never keep a text the parse would rewrite or refuse.
  std::mt19937_64 rng(15);
  const std::string alphabet = "{}[]\":,-0123456789.eE \\/tnulfrsabu\x01\x7f\xc3\xa9";
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  const std::vector<std::string> bases = {
      R"({"hangup_cause":"client","ring":12,"tags":["a","b"],"flag":true,"none":null})",
      R"({"a":{"b":{"c":[1,-2,30]}},"d":"e f"})",
      R"([0,{"x":-9},"y",[[]],{}])",
  };
  int copied = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = bases[pick(bases.size())];
    for (int edits = 1 + static_cast<int>(pick(2)); edits > 0; --edits) {
      const auto at = pick(text.size());
      const char c = alphabet[pick(alphabet.size())];
      switch (pick(3)) {
        case 0:
          text[at] = c;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          text.erase(at, 1);
      }
    }
    const auto written = writer_reparsed(text);
    ASSERT_EQ(written, dom_reparsed(text)) << text;
    copied += written == text ? 1 : 0;
  }
  EXPECT_GT(copied, 100);  // some mutations stay in the copied form (digits, letters in strings)
}

}  // namespace
}  // namespace dialtrack::domain
