#include "domain/calendar.hpp"

#include <gtest/gtest.h>

namespace dialtrack::domain {
namespace {

TEST(Calendar, ParsesAndFormatsDates) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("2026-11-28"), 20'785);
  EXPECT_EQ(format_date(20'785), "2026-11-28");
  EXPECT_EQ(parse_date("2024-02-29"), parse_date("2024-02-28").value() + 1);
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-11-28",
                          "2026/11/28", "2026-11-28T00:00", "", "1969-12-31", "abcd-ef-gh"}) {
    EXPECT_FALSE(parse_date(bad)) << bad;
  }
}

TEST(Calendar, ParsesAndFormatsUtcOffsets) {
  using std::chrono::minutes;
  EXPECT_EQ(parse_utc_offset("+08:00"), minutes(480));
  EXPECT_EQ(parse_utc_offset("-05:30"), minutes(-330));
  EXPECT_EQ(parse_utc_offset("+0545"), minutes(345));
  EXPECT_EQ(parse_utc_offset("+09"), minutes(540));
  EXPECT_EQ(parse_utc_offset("Z"), minutes(0));
  EXPECT_EQ(parse_utc_offset("+14:00"), minutes(840));
  EXPECT_EQ(parse_utc_offset("+12:45"), minutes(765));
  for (const char* bad :
       {"+14:01", "+25:00", "08:00", "+8", "+08:60", "+08-00", "", "UTC", "+05:17", "-00:01"}) {
    EXPECT_FALSE(parse_utc_offset(bad)) << bad;
  }
  EXPECT_EQ(format_utc_offset(minutes(480)), "+08:00");
  EXPECT_EQ(format_utc_offset(minutes(-330)), "-05:30");
  EXPECT_EQ(format_utc_offset(minutes(0)), "+00:00");
}

}  // namespace
}  // namespace dialtrack::domain
