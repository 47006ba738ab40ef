#include "csv/csv_reader.hpp"

#include <gtest/gtest.h>

namespace dialtrack::csv {
namespace {

using Fields = std::vector<std::string>;

std::vector<Fields> fields_of(const std::vector<Row>& rows) {
  std::vector<Fields> out;
  for (const auto& r : rows) {
    out.push_back(r.fields);
  }
  return out;
}

TEST(CsvReader, ReadsPlainRowsWithLfAndCrlf) {
  const auto rows = parse("a,b,c\r\n1,2,3\n4,,6\r\n");
  ASSERT_TRUE(rows);
  EXPECT_EQ(fields_of(*rows),
            (std::vector<Fields>{{"a", "b", "c"}, {"1", "2", "3"}, {"4", "", "6"}}));
  EXPECT_EQ((*rows)[0].line, 1);
  EXPECT_EQ((*rows)[2].line, 3);
}

TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const auto rows =
      parse("name,note\r\n\"张三, 李四\",\"he said \"\"hi\"\"\r\nsecond line\"\r\nx,y");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 3U);
  EXPECT_EQ((*rows)[1].fields, (Fields{"张三, 李四", "he said \"hi\"\r\nsecond line"}));
  EXPECT_EQ((*rows)[1].line, 2);
  EXPECT_EQ((*rows)[2].fields, (Fields{"x", "y"}));
  EXPECT_EQ((*rows)[2].line, 4);
}

TEST(CsvReader, LastRowWithoutLineEndAndTrailingEmptyField) {
  const auto rows = parse("a,\nb");
  ASSERT_TRUE(rows);
  EXPECT_EQ(fields_of(*rows), (std::vector<Fields>{{"a", ""}, {"b"}}));
}

TEST(CsvReader, EmptyLinesAreSkippedButLinesStillCount) {
  const auto rows = parse("a\n\n\r\nb\n");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2U);
  EXPECT_EQ((*rows)[1].fields, (Fields{"b"}));
  EXPECT_EQ((*rows)[1].line, 4);
}

TEST(CsvReader, AnEmptyQuotedFieldIsARow) {
  const auto rows = parse("\"\"\n");
  ASSERT_TRUE(rows);
  EXPECT_EQ(fields_of(*rows), (std::vector<Fields>{{""}}));
}

TEST(CsvReader, LenientWithStrayQuotes) {
  const auto rows = parse("ab\"c,\"d\"e\n");
  ASSERT_TRUE(rows);
  EXPECT_EQ(fields_of(*rows), (std::vector<Fields>{{"ab\"c", "de"}}));
}

TEST(CsvReader, UnterminatedQuoteIsAnErrorAtItsLine) {
  Reader reader;
  std::vector<Row> rows;
  reader.feed("a\nb,\"open\nstill open", rows);
  EXPECT_EQ(rows.size(), 1U);
  EXPECT_FALSE(reader.finish(rows));
  EXPECT_EQ(reader.open_quote_line(), 2);
  EXPECT_FALSE(parse("\"x"));
}

TEST(CsvReader, FeedingByteByByteGivesTheSameRows) {
  const std::string text = "h1,h2\r\n\"a\r\nb\",\"c\"\"d\"\r\ne,f\r\n\"\",g";
  const auto whole = parse(text);
  ASSERT_TRUE(whole);
  for (std::size_t size : {1U, 2U, 3U, 7U}) {
    Reader reader;
    std::vector<Row> rows;
    for (std::size_t i = 0; i < text.size(); i += size) {
      reader.feed(std::string_view(text).substr(i, size), rows);
    }
    ASSERT_TRUE(reader.finish(rows));
    ASSERT_EQ(rows.size(), whole->size()) << size;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      EXPECT_EQ(rows[r].fields, (*whole)[r].fields) << size;
      EXPECT_EQ(rows[r].line, (*whole)[r].line) << size;
    }
  }
}

}  // namespace
}  // namespace dialtrack::csv
