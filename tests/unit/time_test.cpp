#include "domain/time.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace dialtrack::domain {
namespace {

using std::chrono::milliseconds;

Timestamp utc(int year, unsigned month, unsigned day, int hour, int minute, int second,
              int millis = 0) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / month / day} + hours{hour} + minutes{minute} +
         seconds{second} + milliseconds{millis};
}

Timestamp epoch_millis(std::int64_t value) {
  return Timestamp{milliseconds{value}};
}

TEST(ParseTimestamp, ReadsUtcWithZ) {
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11Z"), utc(2026, 11, 28, 13, 20, 11));
  EXPECT_EQ(parse_timestamp("2026-11-28t13:20:11z"), utc(2026, 11, 28, 13, 20, 11));
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), Timestamp{});
}

TEST(ParseTimestamp, ConvertsOffsetsToUtc) {
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11+08:00"), utc(2026, 11, 28, 5, 20, 11));
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11-05:30"), utc(2026, 11, 28, 18, 50, 11));
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11+00:00"), utc(2026, 11, 28, 13, 20, 11));
  EXPECT_EQ(parse_timestamp("2026-01-01T02:00:00+08:00"), utc(2025, 12, 31, 18, 0, 0));
}

TEST(ParseTimestamp, ReadsFractionalSecondsAsMilliseconds) {
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11.250Z"), utc(2026, 11, 28, 13, 20, 11, 250));
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11.5Z"), utc(2026, 11, 28, 13, 20, 11, 500));
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11.005Z"), utc(2026, 11, 28, 13, 20, 11, 5));
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11.123456789Z"), utc(2026, 11, 28, 13, 20, 11, 123));
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11.250+08:00"), utc(2026, 11, 28, 5, 20, 11, 250));
}

TEST(ParseTimestamp, RejectsEmptyOrOverlongFractions) {
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11.Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11."), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11.1234567891Z"), std::nullopt);
}

TEST(ParseTimestamp, AcceptsASpaceInsteadOfT) {
  EXPECT_EQ(parse_timestamp("2026-11-28 13:20:11Z"), utc(2026, 11, 28, 13, 20, 11));
  EXPECT_EQ(parse_timestamp("2026-11-28 13:20:11+08:00"), utc(2026, 11, 28, 5, 20, 11));
}

TEST(ParseTimestamp, ReadsATimeWithoutOffsetAsUtc) {
  EXPECT_EQ(parse_timestamp("2026-11-28T13:20:11"), utc(2026, 11, 28, 13, 20, 11));
  EXPECT_EQ(parse_timestamp("2026-11-28 13:20:11.250"), utc(2026, 11, 28, 13, 20, 11, 250));
}

TEST(ParseTimestamp, RejectsDatesThatDoNotExist) {
  for (const std::string_view text :
       {"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-04-31T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-00T00:00:00Z",
        "2026-11-28T24:00:00Z", "2026-11-28T13:60:00Z", "2026-11-28T13:20:61Z",
        "2026-11-28T13:20:11+24:00", "2026-11-28T13:20:11+08:60"}) {
    EXPECT_EQ(parse_timestamp(text), std::nullopt) << text;
  }
  EXPECT_EQ(parse_timestamp("2024-02-29T00:00:00Z"), utc(2024, 2, 29, 0, 0, 0));
}

TEST(ParseTimestamp, RejectsGarbage) {
  for (const std::string_view text :
       {"", "garbage", "2026-11-28", "2026/11/28 13:20:11", "2026-11-28T13:20",
        "2026-11-28T13:20:11ZZ", "2026-11-28T13:20:11Z ", " 2026-11-28T13:20:11Z",
        "2026-11-28T13:20:11+0800", "2026-11-28T13:20:11+08", "2026-11-28T13:20:11 UTC",
        "2026-11-28X13:20:11Z", "26-11-28T13:20:11Z", "2026-1-28T13:20:11Z", "1764336011",
        "2026-11-28T13:20:11+08:00Z"}) {
    EXPECT_EQ(parse_timestamp(text), std::nullopt) << text;
  }
}

TEST(ParseTimestamp, RejectsTimesThatLeaveTheFourDigitYears) {
  // Found by fuzz/timestamp_fuzzer: an offset or a leap second moved these to year 10000 or -1,
  // which format_timestamp cannot show as RFC 3339.
  for (const std::string_view text :
       {"9999-12-31t23:59:60-00:30", "9999-12-31T23:30:00-00:30", "0000-01-01T00:00:00+00:01",
        "0000-01-01T00:00:59.999+23:59"}) {
    EXPECT_EQ(parse_timestamp(text), std::nullopt) << text;
  }
  EXPECT_EQ(parse_timestamp("9999-12-31T23:59:59.999Z"), utc(9999, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(parse_timestamp("9999-12-31T23:59:59+00:00"), utc(9999, 12, 31, 23, 59, 59));
  EXPECT_EQ(parse_timestamp("0000-01-01T00:00:00Z"), utc(0, 1, 1, 0, 0, 0));
  EXPECT_EQ(parse_timestamp("0000-01-01T00:30:00+00:30"), utc(0, 1, 1, 0, 0, 0));
}

TEST(TimestampFromEpochNumber, ReadsSecondsBelowTenToTheEleven) {
  EXPECT_EQ(timestamp_from_epoch_number(0), Timestamp{});
  EXPECT_EQ(timestamp_from_epoch_number(1764336011), epoch_millis(1764336011000));
  EXPECT_EQ(timestamp_from_epoch_number(99999999999.0), epoch_millis(99999999999000));
}

TEST(TimestampFromEpochNumber, ReadsFractionalSeconds) {
  EXPECT_EQ(timestamp_from_epoch_number(1764336011.25), epoch_millis(1764336011250));
}

TEST(TimestampFromEpochNumber, ReadsMillisecondsFromTenToTheEleven) {
  EXPECT_EQ(timestamp_from_epoch_number(1e11), epoch_millis(100000000000));
  EXPECT_EQ(timestamp_from_epoch_number(1764336011250.0), epoch_millis(1764336011250));
  EXPECT_EQ(timestamp_from_epoch_number(1764336011250.0),
            parse_timestamp("2025-11-28T13:20:11.250Z"));
}

TEST(TimestampFromEpochNumber, RejectsNegativeNotFiniteAndPastYear9999) {
  EXPECT_EQ(timestamp_from_epoch_number(-1), std::nullopt);
  EXPECT_EQ(timestamp_from_epoch_number(std::nan("")), std::nullopt);
  EXPECT_EQ(timestamp_from_epoch_number(std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(timestamp_from_epoch_number(253402300800000.0), std::nullopt);
  EXPECT_EQ(timestamp_from_epoch_number(253402300799999.0), epoch_millis(253402300799999));
}

TEST(FormatTimestamp, ShowsWholeSecondsWithoutMilliseconds) {
  EXPECT_EQ(format_timestamp(utc(2026, 11, 28, 13, 20, 11)), "2026-11-28T13:20:11Z");
  EXPECT_EQ(format_timestamp(Timestamp{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_timestamp(utc(2026, 1, 2, 3, 4, 5)), "2026-01-02T03:04:05Z");
}

TEST(FormatTimestamp, ShowsMillisecondsWhenNotZero) {
  EXPECT_EQ(format_timestamp(utc(2026, 11, 28, 13, 20, 11, 250)), "2026-11-28T13:20:11.250Z");
  EXPECT_EQ(format_timestamp(utc(2026, 11, 28, 13, 20, 11, 5)), "2026-11-28T13:20:11.005Z");
  EXPECT_EQ(format_timestamp(utc(9999, 12, 31, 23, 59, 59, 999)), "9999-12-31T23:59:59.999Z");
}

TEST(FormatTimestamp, RoundTripsThroughParse) {
  for (const std::string_view text : {"2026-11-28T13:20:11Z", "2026-11-28T13:20:11.250Z",
                                      "2024-02-29T23:59:59.999Z", "2000-01-01T00:00:00.001Z"}) {
    const auto parsed = parse_timestamp(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(format_timestamp(*parsed), text);
  }
  const Timestamp at = epoch_millis(1764336011250);
  EXPECT_EQ(parse_timestamp(format_timestamp(at)), at);
}

TEST(FormatTimestamp, WritesOffsetTimesInUtc) {
  const auto parsed = parse_timestamp("2026-11-28T13:20:11.100+08:00");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(format_timestamp(*parsed), "2026-11-28T05:20:11.100Z");
}

/// format_timestamp as it was written with printf, before the digits were written by hand.
std::string printf_timestamp(Timestamp at) {
  using namespace std::chrono;
  const auto day_point = floor<days>(at);
  const year_month_day ymd{day_point};
  const hh_mm_ss<milliseconds> tod{at - day_point};
  char buffer[40];
  const auto millis = tod.subseconds().count();
  if (millis == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int{ymd.year()},
                  unsigned{ymd.month()}, unsigned{ymd.day()}, static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int{ymd.year()},
                  unsigned{ymd.month()}, unsigned{ymd.day()}, static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                  static_cast<int>(millis));
  }
  return buffer;
}

TEST(FormatTimestamp, WritesPrintfsTextIntoABuffer) {
  std::mt19937_64 rng(15);
  // Years -1000 to 12000: four digits, and both sides of them.
  std::uniform_int_distribution<std::int64_t> millis(-93'000'000'000'000, 316'000'000'000'000);
  std::vector<Timestamp> times = {Timestamp{},
                                  epoch_millis(-1),
                                  utc(0, 1, 1, 0, 0, 0),
                                  utc(-1, 12, 31, 23, 59, 59, 999),
                                  utc(9999, 12, 31, 23, 59, 59, 999),
                                  utc(10000, 1, 1, 0, 0, 0, 1),
                                  utc(2026, 12, 7, 11, 30, 0, 10)};
  for (int i = 0; i < 20000; ++i) {
    auto at = millis(rng);
    if (i % 2 == 0) {
      at -= at % 1000;  // whole seconds: the form without milliseconds
    }
    times.push_back(epoch_millis(at));
  }
  for (const auto at : times) {
    TimestampBuffer buffer;
    const auto expected = printf_timestamp(at);
    ASSERT_EQ(format_timestamp(at, buffer), expected);
    ASSERT_EQ(format_timestamp(at), expected);
  }
}

}  // namespace
}  // namespace dialtrack::domain
