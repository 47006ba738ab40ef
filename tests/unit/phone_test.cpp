#include "domain/phone.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dialtrack::domain {
namespace {

TEST(NormalizePhone, RemovesSpacesDashesAndBrackets) {
  EXPECT_EQ(normalize_phone("138 0013-8000"), "13800138000");
  EXPECT_EQ(normalize_phone("(010) 1234-5678"), "01012345678");
  EXPECT_EQ(normalize_phone("[021]-555 0100"), "0215550100");
  EXPECT_EQ(normalize_phone("13800138000"), "13800138000");
}

TEST(NormalizePhone, KeepsOneLeadingPlus) {
  EXPECT_EQ(normalize_phone("+86 138-0013-8000"), "+8613800138000");
  EXPECT_EQ(normalize_phone(" +1 (555) 010-0100"), "+15550100100");
}

TEST(NormalizePhone, RejectsPlusAnywhereButFirst) {
  EXPECT_EQ(normalize_phone("86+13800138000"), std::nullopt);
  EXPECT_EQ(normalize_phone("++8613800138000"), std::nullopt);
  EXPECT_EQ(normalize_phone("+86 +13800138000"), std::nullopt);
  EXPECT_EQ(normalize_phone("13800138000+"), std::nullopt);
}

TEST(NormalizePhone, RejectsLettersAndOtherCharacters) {
  EXPECT_EQ(normalize_phone("138abc00000"), std::nullopt);
  EXPECT_EQ(normalize_phone("1380013800O"), std::nullopt);  // a letter O, not a zero
  EXPECT_EQ(normalize_phone("138.0013.8000"), std::nullopt);
  EXPECT_EQ(normalize_phone("138/0013/8000"), std::nullopt);
  EXPECT_EQ(normalize_phone("tel:13800138000"), std::nullopt);
  EXPECT_EQ(normalize_phone("\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98"), std::nullopt);  // full-width
}

TEST(NormalizePhone, NeedsThreeToTwentyDigits) {
  EXPECT_EQ(normalize_phone("12"), std::nullopt);
  EXPECT_EQ(normalize_phone("123"), "123");
  EXPECT_EQ(normalize_phone(std::string(20, '9')), std::string(20, '9'));
  EXPECT_EQ(normalize_phone(std::string(21, '9')), std::nullopt);
}

TEST(NormalizePhone, CountsOnlyDigitsTowardsTheLimits) {
  EXPECT_EQ(normalize_phone("+12"), std::nullopt);
  EXPECT_EQ(normalize_phone("1-2 ()"), std::nullopt);
  EXPECT_EQ(normalize_phone("1 2 3"), "123");
  EXPECT_EQ(normalize_phone("+" + std::string(20, '1')), "+" + std::string(20, '1'));
  EXPECT_EQ(normalize_phone("+" + std::string(21, '1')), std::nullopt);
  EXPECT_EQ(normalize_phone("1234-5678-9012-3456-7890"), "12345678901234567890");
}

TEST(NormalizePhone, RejectsEmptyInput) {
  EXPECT_EQ(normalize_phone(""), std::nullopt);
  EXPECT_EQ(normalize_phone("   "), std::nullopt);
  EXPECT_EQ(normalize_phone("+"), std::nullopt);
  EXPECT_EQ(normalize_phone("()-[]"), std::nullopt);
}

}  // namespace
}  // namespace dialtrack::domain
