#include "analysis/fetch/address_policy.h"

#include <gtest/gtest.h>

namespace worthit::analysis::fetch {
namespace {

struct Case {
  const char* address;
  AddressClass expected;
};

// One or more addresses from every blocked range, v4 and v6, plus public controls.
const Case kCases[] = {
    {"0.0.0.0", AddressClass::kUnspecified},
    {"0.1.2.3", AddressClass::kUnspecified},
    {"127.0.0.1", AddressClass::kLoopback},
    {"127.255.255.254", AddressClass::kLoopback},
    {"10.0.0.1", AddressClass::kPrivate},
    {"10.255.255.255", AddressClass::kPrivate},
    {"172.16.0.1", AddressClass::kPrivate},
    {"172.31.255.255", AddressClass::kPrivate},
    {"192.168.1.1", AddressClass::kPrivate},
    {"169.254.169.254", AddressClass::kLinkLocal},
    {"100.64.0.1", AddressClass::kCgnat},
    {"100.127.255.255", AddressClass::kCgnat},
    {"224.0.0.1", AddressClass::kMulticast},
    {"239.255.255.250", AddressClass::kMulticast},
    {"255.255.255.255", AddressClass::kBroadcast},
    {"240.0.0.1", AddressClass::kReserved},
    {"192.0.0.8", AddressClass::kReserved},
    {"192.88.99.1", AddressClass::kReserved},
    {"192.0.2.1", AddressClass::kDocumentation},
    {"198.51.100.7", AddressClass::kDocumentation},
    {"203.0.113.9", AddressClass::kDocumentation},
    {"198.18.0.1", AddressClass::kBenchmark},
    {"198.19.255.255", AddressClass::kBenchmark},
    {"::", AddressClass::kUnspecified},
    {"::1", AddressClass::kLoopback},
    {"::ffff:127.0.0.1", AddressClass::kLoopback},
    {"::ffff:10.1.2.3", AddressClass::kPrivate},
    {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
    {"::127.0.0.1", AddressClass::kLoopback},
    {"64:ff9b::10.0.0.1", AddressClass::kPrivate},
    {"64:ff9b::7f00:1", AddressClass::kLoopback},
    {"64:ff9b:1::1", AddressClass::kPrivate},
    {"2002:7f00:1::1", AddressClass::kLoopback},
    {"2002:a9fe:a9fe::1", AddressClass::kLinkLocal},
    {"fc00::1", AddressClass::kPrivate},
    {"fd12:3456::1", AddressClass::kPrivate},
    {"fec0::1", AddressClass::kPrivate},
    {"fe80::1", AddressClass::kLinkLocal},
    {"ff02::1", AddressClass::kMulticast},
    {"2001:db8::1", AddressClass::kDocumentation},
    {"3fff::1", AddressClass::kDocumentation},
    {"2001:2::1", AddressClass::kBenchmark},
    {"2001::1", AddressClass::kReserved},     // Teredo
    {"2001:10::1", AddressClass::kReserved},  // ORCHID
    {"100::1", AddressClass::kReserved},      // discard
    {"4000::1", AddressClass::kReserved},     // outside 2000::/3
    {"5f00::1", AddressClass::kReserved},
    // Public controls.
    {"8.8.8.8", AddressClass::kPublic},
    {"93.184.216.34", AddressClass::kPublic},
    {"172.32.0.1", AddressClass::kPublic},
    {"100.128.0.1", AddressClass::kPublic},
    {"2a00:1450:4001:81b::200e", AddressClass::kPublic},
    {"2606:4700::1111", AddressClass::kPublic},
    {"::ffff:8.8.8.8", AddressClass::kPublic},
    {"2002:808:808::1", AddressClass::kPublic},
};

TEST(AddressPolicyTest, ClassifiesEveryRange) {
  for (const auto& c : kCases) {
    auto ip = IpAddress::Parse(c.address);
    ASSERT_TRUE(ip.has_value()) << c.address;
    EXPECT_EQ(ToString(ClassifyAddress(*ip)), ToString(c.expected)) << c.address;
  }
}

TEST(AddressPolicyTest, AllowListMatchesCidrAddressPortAndHost) {
  auto allow = AllowList::Parse({"10.1.0.0/16", "127.0.0.1:8080", "[::1]:9090", "playground.local", "LocalHost:81"});
  ASSERT_TRUE(allow.ok()) << allow.error().ToString();
  auto ip = [](const char* s) { return *IpAddress::Parse(s); };
  EXPECT_TRUE(allow->Allows("", ip("10.1.2.3"), 80));
  EXPECT_FALSE(allow->Allows("", ip("10.2.0.1"), 80));
  EXPECT_TRUE(allow->Allows("", ip("127.0.0.1"), 8080));
  EXPECT_FALSE(allow->Allows("", ip("127.0.0.1"), 8081));
  EXPECT_FALSE(allow->Allows("", ip("127.0.0.2"), 8080));
  EXPECT_TRUE(allow->Allows("", ip("::1"), 9090));
  EXPECT_FALSE(allow->Allows("", ip("::1"), 8080));
  EXPECT_TRUE(allow->Allows("playground.local", ip("192.168.0.5"), 443));
  EXPECT_TRUE(allow->Allows("localhost", ip("127.0.0.1"), 81));
  EXPECT_FALSE(allow->Allows("localhost", ip("127.0.0.1"), 82));
  EXPECT_TRUE(MayConnect(*allow, "", ip("8.8.8.8"), 443));
  EXPECT_FALSE(MayConnect(*allow, "", ip("169.254.169.254"), 80));
  EXPECT_FALSE(MayConnect(AllowList(), "", ip("127.0.0.1"), 80));
}

TEST(AddressPolicyTest, MalformedAllowEntriesAreRejected) {
  for (const char* bad : {"10.0.0.0/33", "127.0.0.1:0", "127.0.0.1:99999", "[::1", "bad host!", "host/8"}) {
    auto allow = AllowList::Parse({bad});
    ASSERT_FALSE(allow.ok()) << bad;
    EXPECT_EQ(allow.error().code, "CONFIG_INVALID");
  }
}

}  // namespace
}  // namespace worthit::analysis::fetch
