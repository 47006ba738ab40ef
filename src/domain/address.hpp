#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace dialtrack::domain {

/// What kind of network an IP address belongs to, for deciding whether dialtrack may send a
/// webhook there. Everything but kPublic is refused unless private targets are allowed, so a
/// subscription cannot make the service reach its own host, the internal network or a cloud
/// metadata endpoint (169.254.169.254).
enum class AddressKind {
  kPublic,
  kLoopback,   ///< 127.0.0.0/8, ::1
  kPrivate,    ///< 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fc00::/7, fec0::/10
  kLinkLocal,  ///< 169.254/16 (cloud metadata), fe80::/10
  kUnspecified,  ///< 0.0.0.0/8, ::
  kMulticast,    ///< 224/4, ff00::/8, 255.255.255.255
  kReserved,     ///< 192.0.0/24, 198.18/15, 240/4, documentation ranges, 100::/64, 2001:db8::/32
};

/// A short English name of the kind ("loopback", "private", ...), for errors and logs.
[[nodiscard]] std::string_view address_kind_name(AddressKind kind);

/// Classifies an IPv4 address given as its 4 bytes in network order.
[[nodiscard]] AddressKind classify_ipv4(std::span<const std::uint8_t, 4> bytes);

/// Classifies an IPv6 address given as its 16 bytes in network order. IPv4 addresses carried
/// inside IPv6 (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96) are
/// classified as the IPv4 address they carry.
[[nodiscard]] AddressKind classify_ipv6(std::span<const std::uint8_t, 16> bytes);

/// When `host` (as written in a URL, IPv6 with or without brackets) is a literal IP address,
/// its kind; nothing for a host name. IPv4 is read as the resolver reads it, so the legacy
/// forms `127.1`, `2130706433` and `0x7f.0.0.1` are literals too.
[[nodiscard]] std::optional<AddressKind> classify_literal_host(std::string_view host);

/// The host part of an http(s) URL as written (brackets kept for IPv6), or nothing when the
/// URL has no host.
[[nodiscard]] std::optional<std::string_view> url_host(std::string_view url);

}  // namespace dialtrack::domain
