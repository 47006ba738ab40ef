#include "domain/address.hpp"

#include <gtest/gtest.h>

namespace dialtrack::domain {
namespace {

AddressKind kind_of(std::string_view host) {
  const auto kind = classify_literal_host(host);
  EXPECT_TRUE(kind.has_value()) << host << " should be read as a literal address";
  return kind.value_or(AddressKind::kPublic);
}

TEST(AddressTest, PublicAddressesArePublic) {
  for (const auto* host : {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1",
                           "2606:4700:4700::1111", "[2a00:1450:4001:82b::200e]"}) {
    EXPECT_EQ(kind_of(host), AddressKind::kPublic) << host;
  }
}

TEST(AddressTest, LoopbackInEveryForm) {
  for (const auto* host :
       {"127.0.0.1", "127.255.255.254", "::1", "[::1]", "127.1", "2130706433", "0x7f.0.0.1",
        "0x7f000001", "::ffff:127.0.0.1", "[::ffff:7f00:1]", "::127.0.0.1", "64:ff9b::127.0.0.1"}) {
    EXPECT_EQ(kind_of(host), AddressKind::kLoopback) << host;
  }
}

TEST(AddressTest, PrivateRanges) {
  for (const auto* host :
       {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
        "fc00::1", "fd12:3456::1", "fec0::1", "::ffff:10.1.2.3", "::ffff:192.168.0.1"}) {
    EXPECT_EQ(kind_of(host), AddressKind::kPrivate) << host;
  }
}

TEST(AddressTest, LinkLocalIncludesCloudMetadata) {
  for (const auto* host : {"169.254.169.254", "169.254.0.1", "fe80::1", "febf::1",
                           "::ffff:169.254.169.254", "fe80::1%eth0"}) {
    EXPECT_EQ(kind_of(host), AddressKind::kLinkLocal) << host;
  }
}

TEST(AddressTest, UnspecifiedMulticastAndReserved) {
  EXPECT_EQ(kind_of("0.0.0.0"), AddressKind::kUnspecified);
  EXPECT_EQ(kind_of("0"), AddressKind::kUnspecified);
  EXPECT_EQ(kind_of("::"), AddressKind::kUnspecified);
  EXPECT_EQ(kind_of("::ffff:0.0.0.0"), AddressKind::kUnspecified);
  EXPECT_EQ(kind_of("224.0.0.1"), AddressKind::kMulticast);
  EXPECT_EQ(kind_of("239.255.255.250"), AddressKind::kMulticast);
  EXPECT_EQ(kind_of("255.255.255.255"), AddressKind::kMulticast);
  EXPECT_EQ(kind_of("ff02::1"), AddressKind::kMulticast);
  EXPECT_EQ(kind_of("240.0.0.1"), AddressKind::kReserved);
  EXPECT_EQ(kind_of("198.18.0.1"), AddressKind::kReserved);
  EXPECT_EQ(kind_of("192.0.2.1"), AddressKind::kReserved);
  EXPECT_EQ(kind_of("2001:db8::1"), AddressKind::kReserved);
}

TEST(AddressTest, HostNamesAreNotLiterals) {
  for (const auto* host : {"example.com", "localhost", "127.0.0.1.nip.io", "", "[]", "1.2.3.4.5",
                           "[not-an-address]"}) {
    EXPECT_FALSE(classify_literal_host(host).has_value()) << host;
  }
}

TEST(AddressTest, BoundariesOfTheRanges) {
  EXPECT_EQ(kind_of("172.15.255.255"), AddressKind::kPublic);
  EXPECT_EQ(kind_of("172.32.0.0"), AddressKind::kPublic);
  EXPECT_EQ(kind_of("100.63.255.255"), AddressKind::kPublic);
  EXPECT_EQ(kind_of("100.127.255.255"), AddressKind::kPrivate);
  EXPECT_EQ(kind_of("169.253.255.255"), AddressKind::kPublic);
  EXPECT_EQ(kind_of("126.255.255.255"), AddressKind::kPublic);
  EXPECT_EQ(kind_of("223.255.255.255"), AddressKind::kPublic);
  EXPECT_EQ(kind_of("fbff::1"), AddressKind::kPublic);
  EXPECT_EQ(kind_of("fe7f::1"), AddressKind::kPublic);
}

TEST(AddressTest, UrlHostIsTakenAsWritten) {
  EXPECT_EQ(url_host("http://127.0.0.1:8080/x"), "127.0.0.1");
  EXPECT_EQ(url_host("https://user:pw@example.com/x?y#z"), "example.com");
  EXPECT_EQ(url_host("http://[::1]:9/hook"), "[::1]");
  EXPECT_EQ(url_host("http://10.0.0.1?x=1"), "10.0.0.1");
  EXPECT_FALSE(url_host("http:///path").has_value());
  EXPECT_FALSE(url_host("no scheme").has_value());
}

}  // namespace
}  // namespace dialtrack::domain
