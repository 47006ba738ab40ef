#include "domain/integer.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace dialtrack::domain {
namespace {

TEST(ParseInt64, ReadsAWholeDecimalNumber) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("42"), 42);
  EXPECT_EQ(parse_int64("-7"), -7);
  EXPECT_EQ(parse_int64("007"), 7);
  EXPECT_EQ(parse_int64("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_int64("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
}

TEST(ParseInt64, RefusesAnythingButTheNumber) {
  for (const std::string text : {"", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "12abc", "abc",
                                 "9223372036854775808", "-9223372036854775809"}) {
    EXPECT_EQ(parse_int64(text), std::nullopt) << "'" << text << "'";
  }
  EXPECT_EQ(parse_int64(std::string("1\0", 2)), std::nullopt);
}

TEST(ParseInt64, ReadsOnlyTheViewItIsGiven) {
  const std::string text = "12345";
  EXPECT_EQ(parse_int64(std::string_view(text).substr(1, 2)), 23);
}

}  // namespace
}  // namespace dialtrack::domain
