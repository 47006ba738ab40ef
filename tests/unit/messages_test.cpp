#include "http/messages.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dialtrack::http {
namespace {

constexpr Language kLanguages[] = {Language::kChinese, Language::kEnglish};

// The catalogue (src/http/messages.tsv) against the enums: a row for a value the enum does not
// have does not compile, and messages.cpp asserts that each value has its row, in order. Here:
// each text is there in both languages and reads as the code formats it.
TEST(MessageCatalogue, EveryMessageHasItsTextInBothLanguages) {
  for (int m = static_cast<int>(Msg::kOk); m <= static_cast<int>(Msg::kTaskRedialed); ++m) {
    const auto msg = static_cast<Msg>(m);
    const auto zh = text(msg, Language::kChinese);
    const auto en = text(msg, Language::kEnglish);
    EXPECT_FALSE(zh.empty()) << "Msg " << m;
    EXPECT_FALSE(en.empty()) << "Msg " << m;
    EXPECT_NE(zh, en) << "Msg " << m;
  }
}

TEST(MessageCatalogue, EveryProblemOfAFieldNamesTheFieldWithEveryPlaceFilled) {
  for (int p = static_cast<int>(domain::Problem::kRequired);
       p <= static_cast<int>(domain::Problem::kTimeInFuture); ++p) {
    const domain::FieldError error{"leads[2].phone", static_cast<domain::Problem>(p), "integer", 7};
    for (const auto lang : kLanguages) {
      std::string message;
      ASSERT_NO_THROW(message = field_error_text(error, lang)) << "Problem " << p;
      EXPECT_NE(message.find("leads[2].phone"), std::string::npos) << message;
      EXPECT_EQ(message.find_first_of("{}"), std::string::npos) << message;
    }
  }
}

TEST(MessageCatalogue, PlacesTakeTheLimitWhatTheFieldMustBeAndTheValueRead) {
  const auto en = Language::kEnglish;
  EXPECT_EQ(field_error_text({"name", domain::Problem::kTooLong, "", 200}, en),
            "field name is longer than 200 characters");
  EXPECT_EQ(field_error_text({"page", domain::Problem::kWrongType, "integer"}, en),
            "field page must be an integer");
  EXPECT_EQ(field_error_text({"page", domain::Problem::kWrongType, "integer"}, Language::kChinese),
            "字段 page 的类型错误，应为整数");
  // A word the catalogue does not list reads as "valid".
  EXPECT_EQ(field_error_text({"x", domain::Problem::kOutOfRange, "no-such-word"}, en),
            "field x must be valid");
  EXPECT_EQ(field_error_text({"at", domain::Problem::kTimeTooEarly, "1999-12-31T00:00:00Z"}, en),
            "field at (1999-12-31T00:00:00Z) is before 2000-01-01T00:00:00Z");
  EXPECT_EQ(field_error_text({"at", domain::Problem::kTimeInFuture, "2100-01-01T00:00:00Z", 300},
                             Language::kChinese),
            "字段 at（2100-01-01T00:00:00Z）比服务器时钟超前 300 秒以上，请检查发送方的时钟或时区");
}

}  // namespace
}  // namespace dialtrack::http
