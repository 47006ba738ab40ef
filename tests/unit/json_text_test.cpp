#include "domain/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>

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

}  // namespace
}  // namespace dialtrack::domain
