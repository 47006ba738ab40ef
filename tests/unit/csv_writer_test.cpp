#include "csv/csv_writer.hpp"

#include <gtest/gtest.h>

#include "csv/csv_reader.hpp"

namespace dialtrack::csv {
namespace {

TEST(CsvWriter, QuotesOnlyWhatNeedsQuoting) {
  std::string out;
  Writer w(out);
  w.row({"plain", "a,b", "say \"hi\"", "two\nlines", " padded", ""});
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded\",\r\n");
}

TEST(CsvWriter, NumbersAndRoundTripThroughTheReader) {
  std::string out;
  Writer w(out);
  w.field(std::int64_t{-42}).field(0.4667).field(std::string_view("外呼, \"任务\""));
  w.end_row();
  const auto rows = parse(out);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ((*rows)[0].fields, (std::vector<std::string>{"-42", "0.4667", "外呼, \"任务\""}));
}

}  // namespace
}  // namespace dialtrack::csv
