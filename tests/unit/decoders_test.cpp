#include "http/decoders.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace dialtrack::http {
namespace {

using Search = std::optional<std::string>;

Search searched(const Search& q) {
  auto decoded = decode_name_search(q);
  if (const auto* error = std::get_if<domain::FieldError>(&decoded)) {
    ADD_FAILURE() << "refused, naming " << error->field;
    return std::nullopt;
  }
  return std::get<Search>(decoded);
}

domain::FieldError refusal(const std::string& q) {
  auto decoded = decode_name_search(q);
  if (const auto* error = std::get_if<domain::FieldError>(&decoded)) {
    return *error;
  }
  ADD_FAILURE() << "accepted " << q;
  return {};
}

std::string repeated(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

TEST(NameSearch, AbsentOrBlankIsNoSearch) {
  EXPECT_EQ(searched(std::nullopt), std::nullopt);
  EXPECT_EQ(searched(""), std::nullopt);
  EXPECT_EQ(searched(" \t\r\n "), std::nullopt);
}

TEST(NameSearch, TrimsAsciiWhiteSpaceOnly) {
  EXPECT_EQ(searched("  renewals \t"), "renewals");
  EXPECT_EQ(searched(" 续费 回访 "), "续费 回访");
  EXPECT_EQ(searched("50%_"), "50%_");
  // U+3000, the ideographic space, is part of the text.
  EXPECT_EQ(searched("\u3000续费"), "\u3000续费");
}

TEST(NameSearch, LengthIsCountedInCodePointsAfterTrimming) {
  EXPECT_EQ(searched(repeated("续", kMaxNameSearch)), repeated("续", kMaxNameSearch));
  EXPECT_EQ(searched(" " + repeated("a", kMaxNameSearch) + " "), repeated("a", kMaxNameSearch));

  const auto error = refusal(repeated("续", kMaxNameSearch + 1));
  EXPECT_EQ(error.field, "q");
  EXPECT_EQ(error.problem, domain::Problem::kTooLong);
  EXPECT_EQ(error.limit, 200);
  EXPECT_EQ(refusal(repeated("a", kMaxNameSearch + 1)).problem, domain::Problem::kTooLong);
}

TEST(NameSearch, RefusesNulAndInvalidUtf8) {
  const auto nul = refusal(std::string("a\0b", 3));
  EXPECT_EQ(nul.field, "q");
  EXPECT_EQ(nul.problem, domain::Problem::kNulCharacter);
  const auto gbk = refusal("\xD5\xC5\xC8\xFD");  // 张三 in GBK
  EXPECT_EQ(gbk.field, "q");
  EXPECT_EQ(gbk.problem, domain::Problem::kInvalidUtf8);
  EXPECT_EQ(refusal("\xFF").problem, domain::Problem::kInvalidUtf8);
}

}  // namespace
}  // namespace dialtrack::http
