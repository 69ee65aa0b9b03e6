#include "proto/ip/address.h"

#include <gtest/gtest.h>

#include <sstream>
#include <unordered_set>

namespace proto::ip {
namespace {

TEST(IpAddress, ParsesAndPrintsBothFamilies) {
  auto a = IpAddress::parse("198.18.0.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(to_hex(a->bytes()), "c6120001");
  EXPECT_EQ(a->to_string(), "198.18.0.1");
  EXPECT_EQ(*a, IpAddress::v4(0xc6120001));

  auto b = IpAddress::parse("FD00:18:0::1");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->family(), Family::V6);
  EXPECT_EQ(to_hex(b->bytes()), "fd000018000000000000000000000001");
  EXPECT_EQ(b->to_string(), "fd00:18::1");  // RFC 5952 canonical form
}

TEST(IpAddress, RejectsMalformedText) {
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("198.18.0"));
  EXPECT_FALSE(IpAddress::parse("198.18.0.256"));
  EXPECT_FALSE(IpAddress::parse("fd00::1::2"));
  EXPECT_FALSE(IpAddress::parse("fe80::1%eth0"));
  EXPECT_FALSE(IpAddress::parse(std::string(100, '1')));
}

TEST(IpAddress, FromBytesNeedsFourOrSixteen) {
  Bytes four{10, 0, 0, 1};
  Bytes sixteen(16, 0);
  Bytes five(5, 0);
  EXPECT_EQ(IpAddress::from_bytes(four), IpAddress::v4(0x0a000001));
  EXPECT_EQ(IpAddress::from_bytes(sixteen)->family(), Family::V6);
  EXPECT_FALSE(IpAddress::from_bytes(five));
}

TEST(IpAddress, OrdersAndHashes) {
  auto v4 = *IpAddress::parse("255.255.255.255");
  auto v6 = *IpAddress::parse("::");
  EXPECT_LT(v4, v6);  // the family compares first
  EXPECT_NE(IpAddress::v4(0), v6);  // 0.0.0.0 and :: differ though their bytes match
  EXPECT_LT(*IpAddress::parse("10.0.0.1"), *IpAddress::parse("10.0.0.2"));
  std::unordered_set<IpAddress> set{v4, v6, IpAddress::v4(0)};
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.count(*IpAddress::parse("::")), 1u);
}

TEST(Endpoint, PrintsComparesHashes) {
  Endpoint a{*IpAddress::parse("198.18.0.1"), 80};
  Endpoint b{*IpAddress::parse("fd00::1"), 80};
  EXPECT_EQ(a.to_string(), "198.18.0.1:80");
  EXPECT_EQ(b.to_string(), "[fd00::1]:80");
  std::ostringstream os;
  os << b;
  EXPECT_EQ(os.str(), "[fd00::1]:80");
  Endpoint c = a;
  c.port = 81;
  EXPECT_LT(a, c);
  std::unordered_set<Endpoint> set{a, b, c, a};
  EXPECT_EQ(set.size(), 3u);
}

}  // namespace
}  // namespace proto::ip
