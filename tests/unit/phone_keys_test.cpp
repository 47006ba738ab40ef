#include <gtest/gtest.h>

#include <cstdint>
#include <latch>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/phone.hpp"

namespace dialtrack::domain {
namespace {

/// The key of a phone as an operator or a dialer writes it: normalised first, as the service
/// does before it asks for a key.
std::string key_of(const PhoneKeys& keys, std::string_view raw) {
  const auto normalized = normalize_phone(raw);
  EXPECT_TRUE(normalized.has_value()) << raw;
  return normalized ? keys.key(*normalized) : std::string();
}

TEST(PhoneKeys, TheRegionIsCnUnlessGiven) {
  EXPECT_EQ(PhoneKeys().region(), "CN");
  EXPECT_EQ(PhoneKeys("US").region(), "US");
  EXPECT_EQ(key_of(PhoneKeys(), "13800138000"), "+8613800138000");
}

TEST(PhoneKeys, TheFourFormsOfTheSpecAreOneKey) {
  const PhoneKeys keys("CN");
  EXPECT_EQ(key_of(keys, "+86 138-0013-8000"), "+8613800138000");
  EXPECT_EQ(key_of(keys, "8613800138000"), "+8613800138000");
  EXPECT_EQ(key_of(keys, "008613800138000"), "+8613800138000");
  EXPECT_EQ(key_of(keys, "13800138000"), "+8613800138000");
  EXPECT_EQ(key_of(keys, "+86 (138) 0013-8000"), "+8613800138000");
  EXPECT_EQ(key_of(keys, "138 0013 8000"), "+8613800138000");
}

TEST(PhoneKeys, AFixedLineWithItsAreaCodeIsOneKey) {
  const PhoneKeys keys("CN");
  EXPECT_EQ(key_of(keys, "010-12345678"), "+861012345678");
  EXPECT_EQ(key_of(keys, "(010) 1234-5678"), "+861012345678");
  EXPECT_EQ(key_of(keys, "+86 10 1234 5678"), "+861012345678");
  EXPECT_EQ(key_of(keys, "0086 10 1234 5678"), "+861012345678");
  EXPECT_EQ(key_of(keys, "0755-12345678"), "+8675512345678");
  EXPECT_EQ(key_of(keys, "+86 755 1234 5678"), "+8675512345678");
}

TEST(PhoneKeys, AUsNumberInRegionUs) {
  const PhoneKeys keys("US");
  EXPECT_EQ(key_of(keys, "(202) 555-0123"), "+12025550123");
  EXPECT_EQ(key_of(keys, "1 202 555 0123"), "+12025550123");
  EXPECT_EQ(key_of(keys, "+1 202-555-0123"), "+12025550123");
  EXPECT_EQ(key_of(keys, "011 1 202 555 0123"), "+12025550123");  // US international prefix
  // A Chinese mobile needs its country code outside CN.
  EXPECT_EQ(key_of(keys, "+86 138-0013-8000"), "+8613800138000");
}

TEST(PhoneKeys, AUsNumberInRegionCnNeedsItsCountryCode) {
  const PhoneKeys keys("CN");
  EXPECT_EQ(key_of(keys, "+1 202-555-0123"), "+12025550123");
  EXPECT_EQ(key_of(keys, "001 202 555 0123"), "+12025550123");
  // Without + or 00, in CN a leading 1 starts a mobile or a Beijing number, not a country code.
  EXPECT_EQ(key_of(keys, "12025550123"), "+8612025550123");
  EXPECT_EQ(key_of(keys, "2025550123"), "+862025550123");  // Guangzhou, area code 020
}

TEST(PhoneKeys, ShortServiceNumbersKeyOnTheirNormalisedForm) {
  const PhoneKeys cn("CN");
  EXPECT_EQ(key_of(cn, "10086"), "10086");
  EXPECT_EQ(key_of(cn, "95588"), "95588");
  EXPECT_EQ(key_of(cn, "110"), "110");
  EXPECT_EQ(key_of(cn, "100-86"), "10086");
  EXPECT_EQ(key_of(cn, "+86 10086"), "+8610086");
  const PhoneKeys us("US");
  EXPECT_EQ(key_of(us, "911"), "911");
  EXPECT_EQ(key_of(us, "10086"), "10086");
}

TEST(PhoneKeys, NumbersLibphonenumberCannotReadKeyOnTheirNormalisedForm) {
  const PhoneKeys keys("CN");
  EXPECT_EQ(key_of(keys, "13800138000123"), "13800138000123");  // too long
  EXPECT_EQ(key_of(keys, "+999 1234 5678"), "+99912345678");    // no such country code
  EXPECT_EQ(key_of(keys, "+0 1234 5678"), "+012345678");
  EXPECT_EQ(key_of(keys, std::string(20, '9')), std::string(20, '9'));
}

TEST(PhoneKeys, AKeyIsItsOwnKey) {
  const PhoneKeys keys("CN");
  for (const std::string_view raw : {"13800138000", "010-12345678", "+1 202 555 0123", "10086",
                                     "95588", "110", "13800138000123"}) {
    const std::string key = key_of(keys, raw);
    EXPECT_EQ(keys.key(key), key) << raw;
  }
}

TEST(PhoneKeys, DifferentNumbersHaveDifferentKeys) {
  const PhoneKeys keys("CN");
  EXPECT_NE(key_of(keys, "13800138000"), key_of(keys, "13800138001"));
  EXPECT_NE(key_of(keys, "+86 138 0013 8000"), key_of(keys, "+852 3800 1380"));
  EXPECT_NE(key_of(keys, "010-12345678"), key_of(keys, "021-12345678"));
  EXPECT_NE(key_of(keys, "10086"), key_of(keys, "10010"));
  EXPECT_NE(key_of(keys, "+1 202 555 0123"), key_of(keys, "+86 202 555 0123"));
}

// The shortcut for Chinese mobile numbers gives libphonenumber's keys: every second digit and
// prefix form, a spread of subscriber numbers, and the near misses the shortcut must leave to
// the library (a 12 prefix, ten or twelve digits, a wrong country code).
TEST(PhoneKeys, TheMobileShortcutGivesTheLibrarysKeys) {
  const PhoneKeys keys("CN");
  std::size_t shortcut = 0;
  std::uint64_t x = 88172645463325252ULL;  // xorshift: the same spread in every run
  for (int i = 0; i < 4000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::string digits = "1" + std::to_string(x % 10'000'000'000ULL);
    digits.resize(11, '0');
    if (i % 10 == 0) {
      digits[1] = static_cast<char>('0' + i / 10 % 10);  // 10..19, also outside 3-9
    }
    for (const std::string& form :
         {digits, "+86" + digits, "0086" + digits, "86" + digits, digits.substr(0, 10),
          digits + "1", "+85" + digits, "+1" + digits}) {
      const auto fast = PhoneKeys::cn_mobile_key(form);
      shortcut += fast ? 1 : 0;
      EXPECT_EQ(keys.key(form), keys.library_key(form)) << form;
      if (fast) {
        EXPECT_EQ(*fast, keys.library_key(form)) << form;
      }
    }
  }
  EXPECT_GT(shortcut, 10'000U);  // the shortcut is taken for most of them
  EXPECT_FALSE(PhoneKeys::cn_mobile_key("12800138000"));
  EXPECT_FALSE(PhoneKeys::cn_mobile_key("+8513800138000"));
  EXPECT_EQ(PhoneKeys("US").key("13800138000"), PhoneKeys("US").library_key("13800138000"));
}

TEST(PhoneKeys, AnUnknownRegionThrows) {
  EXPECT_THROW(PhoneKeys("ZZ"), std::invalid_argument);
  EXPECT_THROW(PhoneKeys("XX"), std::invalid_argument);
  EXPECT_THROW(PhoneKeys(""), std::invalid_argument);
  EXPECT_THROW(PhoneKeys("CHN"), std::invalid_argument);
  EXPECT_THROW(PhoneKeys("cn"), std::invalid_argument);   // region codes are upper case
  EXPECT_THROW(PhoneKeys("001"), std::invalid_argument);  // not a region: non-geographic numbers
  EXPECT_NO_THROW(PhoneKeys("GB"));
}

TEST(PhoneKeys, ConcurrentCallsGiveTheKeysOfOneThread) {
  const PhoneKeys keys("CN");
  const std::vector<std::string> inputs = {"+8613800138000", "8613800138000", "008613800138000",
                                           "13800138000",    "01012345678",   "+861012345678",
                                           "+12025550123",   "0012025550123", "10086",
                                           "95588",          "110",           "13800138001",
                                           "13800138000123", "+99912345678"};
  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::vector<std::vector<std::string>> seen(kThreads);
  {
    std::latch start(kThreads);
    std::vector<std::jthread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();  // all four parse at the same time
        for (int round = 0; round < kRounds; ++round) {
          for (const auto& input : inputs) {
            seen[t].push_back(keys.key(input));
          }
        }
      });
    }
  }
  // One thread afterwards: under ctest the test runs in a process of its own, so the threads
  // above met libphonenumber's caches empty and filled them together.
  std::vector<std::string> expected;
  for (int round = 0; round < kRounds; ++round) {
    for (const auto& input : inputs) {
      expected.push_back(keys.key(input));
    }
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(seen[t], expected) << "thread " << t;
  }
}

}  // namespace
}  // namespace dialtrack::domain
