#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dialtrack::domain {

/// Normalises a phone number: spaces, dashes and brackets are removed, one leading `+` is
/// kept, and what remains must be 3-20 digits. Returns nothing for anything else.
std::optional<std::string> normalize_phone(std::string_view raw);

/// The canonical key of phones (SPEC §6 "Phone identity"): two forms of one number have one
/// key. A number libphonenumber parses as a possible number, read in the default region when
/// it has no country code, keys on its E.164 form, so with region CN `+8613800138000`,
/// `8613800138000`, `008613800138000` and `13800138000` all key on `+8613800138000`. Any other
/// number (short service numbers such as 10086 or 110, numbers only possible locally, too long
/// or with an unknown country code) keys on its normalised form, so no phone accepted before
/// is refused. Cheap to copy; `key` may be called from many threads at once.
class PhoneKeys {
 public:
  /// Throws std::invalid_argument when `region` is not a region libphonenumber knows (two
  /// letters, e.g. "CN", "US").
  explicit PhoneKeys(std::string region = "CN");

  /// The key of an already normalised phone (normalize_phone's output).
  [[nodiscard]] std::string key(std::string_view normalized) const;

  /// The default region, as given.
  [[nodiscard]] const std::string& region() const;

  /// `key` by libphonenumber alone, without the shortcut for mobile numbers in China.
  [[nodiscard]] std::string library_key(std::string_view normalized) const;
  /// The shortcut: the key of a Chinese mobile number (1[3-9] and nine digits, alone or after
  /// +86, 0086 or 86) as libphonenumber gives it with region CN; nothing for any other number.
  [[nodiscard]] static std::optional<std::string> cn_mobile_key(std::string_view normalized);

 private:
  std::string region_;
};

}  // namespace dialtrack::domain
