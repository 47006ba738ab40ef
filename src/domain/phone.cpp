#include "domain/phone.hpp"

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <memory>
#include <set>
#include <stdexcept>
#include <utility>

namespace dialtrack::domain {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

/// libphonenumber's process-wide instance (its const methods are thread-safe), with its logging
/// silenced: a number it cannot parse is an expected outcome here (the phone keys on its
/// digits), not a message for the operator. Debian's 8.12 starts with a null logger, older
/// releases print to stdout; either way the logger is set here, explicitly. SetLogger replaces
/// a process-wide logger that the library reads without a lock, so it runs exactly once, in
/// the thread-safe initialisation of this static, before anything here parses.
const PhoneNumberUtil& phone_util() {
  static const PhoneNumberUtil* const kUtil = [] {
    PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    util->SetLogger(std::make_unique<i18n::phonenumbers::NullLogger>().release());  // owns it
    return util;
  }();
  return *kUtil;
}

}  // namespace

std::optional<std::string> normalize_phone(std::string_view raw) {
  constexpr std::size_t kMinDigits = 3;
  constexpr std::size_t kMaxDigits = 20;
  std::string out;
  out.reserve(raw.size());
  std::size_t digits = 0;
  for (const char c : raw) {
    if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '[' || c == ']') {
      continue;
    }
    if (c == '+') {
      if (!out.empty()) {
        return std::nullopt;  // a plus anywhere but first is not a phone number
      }
      out.push_back(c);
      continue;
    }
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    out.push_back(c);
    ++digits;
  }
  if (digits < kMinDigits || digits > kMaxDigits) {
    return std::nullopt;
  }
  return out;
}

PhoneKeys::PhoneKeys(std::string region) : region_(std::move(region)) {
  // The default region needs no asking: libphonenumber then loads on the first number the
  // shortcut does not key, if ever (its metadata and ICU take ~40 MB of memory).
  if (region_ == "CN") {
    return;
  }
  std::set<std::string> known;
  phone_util().GetSupportedRegions(&known);
  if (!known.contains(region_)) {
    throw std::invalid_argument("unknown phone region \"" + region_ +
                                "\": expected a two-letter region code such as CN or US");
  }
}

std::optional<std::string> PhoneKeys::cn_mobile_key(std::string_view normalized) {
  // +86, 0086 or 86 before eleven digits, or the eleven digits alone.
  constexpr std::size_t kMobileDigits = 11;
  for (const std::string_view prefix : {"+86", "0086", "86"}) {
    if (normalized.size() == prefix.size() + kMobileDigits && normalized.starts_with(prefix)) {
      normalized.remove_prefix(prefix.size());
      break;
    }
  }
  if (normalized.size() != kMobileDigits || normalized[0] != '1' || normalized[1] < '3' ||
      normalized[1] > '9') {
    return std::nullopt;
  }
  for (const char c : normalized) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  std::string key = "+86";
  key += normalized;
  return key;
}

std::string PhoneKeys::key(std::string_view normalized) const {
  // Nearly every number of a campaign in China is a mobile number: the library takes about
  // 10 us to parse one (ICU regular expressions), this about 50 ns. tests/unit/phone_keys_test
  // holds the two to the same keys over every form and a sample of the numbers.
  if (region_ == "CN") {
    if (auto fast = cn_mobile_key(normalized)) {
      return std::move(*fast);
    }
  }
  return library_key(normalized);
}

std::string PhoneKeys::library_key(std::string_view normalized) const {
  const PhoneNumberUtil& util = phone_util();
  PhoneNumber number;
  // Only a number of a full possible length for its country (not one possible only locally,
  // which is how libphonenumber reads 10086 and 95588 in CN) has an E.164 form that names it.
  if (util.Parse(std::string(normalized), region_, &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
      number.has_extension() ||
      util.IsPossibleNumberWithReason(number) != PhoneNumberUtil::IS_POSSIBLE) {
    return std::string(normalized);
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

const std::string& PhoneKeys::region() const {
  return region_;
}

}  // namespace dialtrack::domain
