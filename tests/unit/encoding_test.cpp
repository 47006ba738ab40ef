#include "csv/encoding.hpp"

#include <gtest/gtest.h>

namespace dialtrack::csv {
namespace {

// 张三 and 外呼 in GBK.
constexpr std::string_view kZhangSanGbk = "\xD5\xC5\xC8\xFD";
constexpr std::string_view kWaiHuGbk = "\xCD\xE2\xBA\xF4";

TEST(Encoding, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("张三 外呼 \xF0\x9F\x93\x9E"));
  EXPECT_FALSE(is_valid_utf8(kZhangSanGbk));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));       // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));   // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE5\xBC"));       // truncated
  EXPECT_TRUE(is_valid_utf8("\xE5\xBC", true));  // truncated by a sample's end
  EXPECT_FALSE(is_valid_utf8("\xE5\x41\x41", true));
}

TEST(Encoding, DetectsUtf8WithOrWithoutBomAndGbkOtherwise) {
  EXPECT_EQ(detect_encoding("phone,name\n1,张三\n"), Encoding::kUtf8);
  EXPECT_EQ(detect_encoding("\xEF\xBB\xBFphone\n"), Encoding::kUtf8);
  EXPECT_EQ(detect_encoding(std::string("phone,name\n1,") + std::string(kZhangSanGbk)),
            Encoding::kGbk);
}

TEST(Encoding, ConvertsGbkToUtf8) {
  EXPECT_EQ(gbk_to_utf8(std::string(kZhangSanGbk) + "," + std::string(kWaiHuGbk)), "张三,外呼");
  EXPECT_FALSE(gbk_to_utf8("\xFF\xFF"));
}

TEST(Encoding, GbkCharactersSplitAcrossChunksAreKeptWhole) {
  const std::string gbk = std::string(kZhangSanGbk) + "a" + std::string(kWaiHuGbk);
  Utf8Decoder decoder(Encoding::kGbk);
  std::string out;
  for (const char c : gbk) {
    ASSERT_TRUE(decoder.feed(std::string_view(&c, 1), out));
  }
  EXPECT_TRUE(decoder.finish());
  EXPECT_EQ(out, "张三a外呼");
}

TEST(Encoding, ReportsWhereInvalidGbkStarts) {
  Utf8Decoder decoder(Encoding::kGbk);
  std::string out;
  EXPECT_TRUE(decoder.feed("ab", out));
  EXPECT_FALSE(decoder.feed("c\xFF\xFF", out));
  EXPECT_EQ(decoder.bad_offset(), 3U);
}

TEST(Encoding, NamesAreCaseInsensitive) {
  EXPECT_EQ(encoding_from_name("GBK"), Encoding::kGbk);
  EXPECT_EQ(encoding_from_name("utf-8"), Encoding::kUtf8);
  EXPECT_FALSE(encoding_from_name("latin1"));
}

}  // namespace
}  // namespace dialtrack::csv
