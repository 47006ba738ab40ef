#include "domain/address.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <string>

#include "domain/enum_names.hpp"

namespace dialtrack::domain {

namespace {

/// True when the first `bits` bits of `bytes` equal those of `prefix`.
template <std::size_t N>
bool in_prefix(std::span<const std::uint8_t, N> bytes, std::array<std::uint8_t, N> prefix,
               unsigned bits) {
  for (std::size_t i = 0; i < N && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8U : bits;
    const auto mask = static_cast<std::uint8_t>(0xffU << (8U - take));
    if ((bytes[i] & mask) != (prefix[i] & mask)) {
      return false;
    }
    bits -= take;
  }
  return true;
}

bool v4_in(std::span<const std::uint8_t, 4> b, std::uint8_t a0, std::uint8_t a1, std::uint8_t a2,
           unsigned bits) {
  return in_prefix<4>(b, {a0, a1, a2, 0}, bits);
}

bool all_zero(std::span<const std::uint8_t> bytes) {
  for (const auto b : bytes) {
    if (b != 0) {
      return false;
    }
  }
  return true;
}

constexpr std::array<EnumName<AddressKind>, 7> kKindNames{{
    {AddressKind::kPublic, "public"},
    {AddressKind::kLoopback, "loopback"},
    {AddressKind::kPrivate, "private"},
    {AddressKind::kLinkLocal, "link-local"},
    {AddressKind::kUnspecified, "unspecified"},
    {AddressKind::kMulticast, "multicast"},
    {AddressKind::kReserved, "reserved"},
}};
static_assert(names_each_value(kKindNames, AddressKind::kPublic, AddressKind::kReserved));

}  // namespace

std::string_view address_kind_name(AddressKind kind) {
  return name_of(kKindNames, kind, "reserved");
}

AddressKind classify_ipv4(std::span<const std::uint8_t, 4> b) {
  if (v4_in(b, 0, 0, 0, 8)) {
    return AddressKind::kUnspecified;
  }
  if (v4_in(b, 127, 0, 0, 8)) {
    return AddressKind::kLoopback;
  }
  if (v4_in(b, 10, 0, 0, 8) || v4_in(b, 172, 16, 0, 12) || v4_in(b, 192, 168, 0, 16) ||
      v4_in(b, 100, 64, 0, 10)) {
    return AddressKind::kPrivate;
  }
  if (v4_in(b, 169, 254, 0, 16)) {
    return AddressKind::kLinkLocal;
  }
  if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255) {
    return AddressKind::kMulticast;  // limited broadcast
  }
  if (v4_in(b, 224, 0, 0, 4)) {
    return AddressKind::kMulticast;
  }
  if (v4_in(b, 240, 0, 0, 4) || v4_in(b, 192, 0, 0, 24) || v4_in(b, 192, 0, 2, 24) ||
      v4_in(b, 198, 18, 0, 15) || v4_in(b, 198, 51, 100, 24) || v4_in(b, 203, 0, 113, 24)) {
    return AddressKind::kReserved;
  }
  return AddressKind::kPublic;
}

AddressKind classify_ipv6(std::span<const std::uint8_t, 16> b) {
  const auto embedded = [&b]() {
    return classify_ipv4(std::span<const std::uint8_t, 4>(b.subspan<12, 4>()));
  };
  if (all_zero(b.first(15))) {
    if (b[15] == 0) {
      return AddressKind::kUnspecified;
    }
    if (b[15] == 1) {
      return AddressKind::kLoopback;
    }
  }
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated but still routed by some).
  if (all_zero(b.first(10)) && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0))) {
    return embedded();
  }
  // 64:ff9b::/96, the well-known NAT64 prefix: a.b.c.d behind a translator.
  if (in_prefix<16>(b, {0x00, 0x64, 0xff, 0x9b}, 96)) {
    return embedded();
  }
  if (b[0] == 0xff) {
    return AddressKind::kMulticast;
  }
  if (in_prefix<16>(b, {0xfe, 0x80}, 10)) {
    return AddressKind::kLinkLocal;
  }
  if (in_prefix<16>(b, {0xfc}, 7) || in_prefix<16>(b, {0xfe, 0xc0}, 10)) {
    return AddressKind::kPrivate;
  }
  if (in_prefix<16>(b, {0x01, 0x00}, 64) || in_prefix<16>(b, {0x20, 0x01, 0x0d, 0xb8}, 32)) {
    return AddressKind::kReserved;
  }
  return AddressKind::kPublic;
}

std::optional<AddressKind> classify_literal_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host.size() > 255) {
    return std::nullopt;
  }
  const std::string text(host);
  if (text.find(':') != std::string::npos) {
    // A zone (fe80::1%eth0) names an interface of this host: link-local at best.
    const auto zone = text.find('%');
    std::array<std::uint8_t, 16> bytes{};
    if (inet_pton(AF_INET6, text.substr(0, zone).c_str(), bytes.data()) != 1) {
      return std::nullopt;
    }
    const auto kind = classify_ipv6(bytes);
    return zone != std::string::npos && kind == AddressKind::kPublic ? AddressKind::kLinkLocal
                                                                     : kind;
  }
  // inet_aton accepts what getaddrinfo accepts as a numeric IPv4 host (127.1, 0x7f000001, ...).
  in_addr address{};
  if (inet_aton(text.c_str(), &address) == 0) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 4> bytes{};
  static_assert(sizeof(address.s_addr) == bytes.size());
  std::memcpy(bytes.data(), &address.s_addr, bytes.size());  // network order
  return classify_ipv4(bytes);
}

std::optional<std::string_view> url_host(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::nullopt;
  }
  auto rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  const auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    return rest.substr(0, close + 1);
  }
  const auto colon = rest.find(':');
  rest = rest.substr(0, colon);
  if (rest.empty()) {
    return std::nullopt;
  }
  return rest;
}

}  // namespace dialtrack::domain
