// proto/ip/icmp: ICMP/ICMPv6 errors quoting our TCP segments (packet-path §5.5).
// The fixed messages below were built and checksummed by an independent Python script
// (struct + RFC 1071 sum), not by the code under test.
#include "proto/ip/icmp.h"

#include <gtest/gtest.h>

#include "proto/ip/checksum.h"

namespace proto::ip {
namespace {

// ICMPv4 3/4, next-hop MTU 1400, quoting 198.18.0.1:40201 -> 198.18.0.2:8080 seq 0x11223344.
constexpr const char* kV4FragNeeded =
    "0304f6830000057845000028000040004006aea8c6120001c61200029d091f9011223344";
// ICMPv4 3/3 (port unreachable), same quote.
constexpr const char* kV4PortUnreachable =
    "0303fbfc0000000045000028000040004006aea8c6120001c61200029d091f9011223344";
// ICMPv6 type 2, MTU 1280, quoting [fd00:18::1]:40201 -> [fd00:18::2]:8080 seq 0x11223344.
constexpr const char* kV6PacketTooBig =
    "02000000000005006000000000140640fd000018000000000000000000000001"
    "fd0000180000000000000000000000029d091f9011223344";

Bytes hex(const char* s) { return *from_hex(s); }

void expect_flow(const IcmpError& e, const char* local, const char* remote) {
  EXPECT_EQ(e.local.to_string(), local);
  EXPECT_EQ(e.remote.to_string(), remote);
  EXPECT_EQ(e.seq, 0x11223344u);
}

TEST(Icmpv4, FragmentationNeededGivesFlowSeqAndMtu) {
  auto e = parse_icmpv4(hex(kV4FragNeeded));
  ASSERT_TRUE(e.has_value()) << errc_name(e.error().code);
  EXPECT_EQ(e->kind, IcmpErrorKind::PacketTooBig);
  EXPECT_EQ(e->mtu, 1400u);
  expect_flow(*e, "198.18.0.1:40201", "198.18.0.2:8080");
}

TEST(Icmpv4, PortUnreachableIsReportedWithoutMtu) {
  auto e = parse_icmpv4(hex(kV4PortUnreachable));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->kind, IcmpErrorKind::PortUnreachable);
  EXPECT_EQ(e->type, 3);
  EXPECT_EQ(e->code, 3);
  EXPECT_EQ(e->mtu, 0u);
  expect_flow(*e, "198.18.0.1:40201", "198.18.0.2:8080");
}

TEST(Icmpv4, BadChecksumIsRejected) {
  Bytes m = hex(kV4FragNeeded);
  m[7] ^= 1;  // MTU changed, checksum not
  EXPECT_EQ(parse_icmpv4(m).error().code, Errc::BadIcmpChecksum);
}

// Rewrites the ICMPv4 checksum after the test changed the message.
void fix_checksum(Bytes& m) {
  store_be16(m, 2, 0);
  store_be16(m, 2, uint16_t(~ones_complement_sum(m)));
}

TEST(Icmpv4, OtherTypesAndCodesAreIgnored) {
  Bytes echo = hex(kV4FragNeeded);
  echo[0] = 8;
  fix_checksum(echo);
  EXPECT_EQ(parse_icmpv4(echo).error().code, Errc::IcmpIgnored);
  Bytes redirect_code = hex(kV4FragNeeded);
  redirect_code[1] = 5;  // source route failed
  fix_checksum(redirect_code);
  EXPECT_EQ(parse_icmpv4(redirect_code).error().code, Errc::IcmpIgnored);
}

TEST(Icmpv4, AdminProhibitedCodes) {
  for (uint8_t code : {9, 10, 13}) {
    Bytes m = hex(kV4PortUnreachable);
    m[1] = code;
    fix_checksum(m);
    auto e = parse_icmpv4(m);
    ASSERT_TRUE(e.has_value()) << int(code);
    EXPECT_EQ(e->kind, IcmpErrorKind::AdminProhibited);
  }
}

TEST(Icmpv4, QuoteMustBeTcpFirstFragmentWithPortsAndSeq) {
  Bytes udp = hex(kV4FragNeeded);
  udp[8 + 9] = 17;
  fix_checksum(udp);
  EXPECT_EQ(parse_icmpv4(udp).error().code, Errc::NotTcp);
  Bytes frag = hex(kV4FragNeeded);
  store_be16(frag, 8 + 6, 0x2001);  // MF, offset 8 bytes
  fix_checksum(frag);
  EXPECT_EQ(parse_icmpv4(frag).error().code, Errc::IpFragment);
  Bytes v6 = hex(kV4FragNeeded);
  v6[8] = 0x65;
  fix_checksum(v6);
  EXPECT_EQ(parse_icmpv4(v6).error().code, Errc::BadIpVersion);
}

TEST(Icmpv4, EveryTruncationIsATypedError) {
  const Bytes m = hex(kV4FragNeeded);
  for (size_t n = 0; n < m.size(); ++n) {
    Bytes cut(m.begin(), m.begin() + long(n));
    if (n >= 8) fix_checksum(cut);
    auto e = parse_icmpv4(cut);
    ASSERT_FALSE(e.has_value()) << n;
    EXPECT_EQ(e.error().code, Errc::Truncated) << n;
  }
}

TEST(Icmpv6, PacketTooBigGivesFlowSeqAndMtu) {
  auto e = parse_icmpv6(hex(kV6PacketTooBig));
  ASSERT_TRUE(e.has_value()) << errc_name(e.error().code);
  EXPECT_EQ(e->kind, IcmpErrorKind::PacketTooBig);
  EXPECT_EQ(e->mtu, 1280u);
  expect_flow(*e, "[fd00:18::1]:40201", "[fd00:18::2]:8080");
}

TEST(Icmpv6, UnreachableCodes) {
  const std::pair<uint8_t, IcmpErrorKind> cases[] = {{0, IcmpErrorKind::NetUnreachable},
                                                     {1, IcmpErrorKind::AdminProhibited},
                                                     {3, IcmpErrorKind::HostUnreachable},
                                                     {4, IcmpErrorKind::PortUnreachable},
                                                     {6, IcmpErrorKind::AdminProhibited}};
  for (auto [code, kind] : cases) {
    Bytes m = hex(kV6PacketTooBig);
    m[0] = 1;
    m[1] = code;
    auto e = parse_icmpv6(m);
    ASSERT_TRUE(e.has_value()) << int(code);
    EXPECT_EQ(e->kind, kind) << int(code);
    EXPECT_EQ(e->mtu, 0u);
  }
  Bytes beyond_scope = hex(kV6PacketTooBig);
  beyond_scope[0] = 1;
  beyond_scope[1] = 2;
  EXPECT_EQ(parse_icmpv6(beyond_scope).error().code, Errc::IcmpIgnored);
  Bytes echo = hex(kV6PacketTooBig);
  echo[0] = 128;
  EXPECT_EQ(parse_icmpv6(echo).error().code, Errc::IcmpIgnored);
}

// Inserts an 8-byte extension header of type `ext` between the quoted IPv6 header and TCP.
Bytes with_extension(uint8_t ext, uint16_t frag_field = 0) {
  Bytes m = hex(kV6PacketTooBig);
  const size_t quote = 8;
  Bytes header = {6, 0, 0, 0, 0, 0, 0, 0};  // next header TCP, length 0 (8 bytes)
  store_be16(header, 2, frag_field);
  m[quote + 6] = ext;
  m.insert(m.begin() + long(quote + 40), header.begin(), header.end());
  return m;
}

TEST(Icmpv6, QuoteWalksExtensionHeaders) {
  for (uint8_t ext : {0, 43, 60}) {
    auto e = parse_icmpv6(with_extension(ext));
    ASSERT_TRUE(e.has_value()) << int(ext);
    expect_flow(*e, "[fd00:18::1]:40201", "[fd00:18::2]:8080");
  }
  EXPECT_TRUE(parse_icmpv6(with_extension(44, 0x0001)).has_value());  // first fragment, M set
  EXPECT_EQ(parse_icmpv6(with_extension(44, 0x0008)).error().code, Errc::IpFragment);
  EXPECT_EQ(parse_icmpv6(with_extension(17)).error().code, Errc::NotTcp);
}

TEST(Icmpv6, LongExtensionChainIsBounded) {
  Bytes m = hex(kV6PacketTooBig);
  const size_t quote = 8;
  m[quote + 6] = 60;
  Bytes chain;
  for (int i = 0; i < 20; ++i) chain.insert(chain.end(), {60, 0, 0, 0, 0, 0, 0, 0});
  m.insert(m.begin() + long(quote + 40), chain.begin(), chain.end());
  EXPECT_EQ(parse_icmpv6(m).error().code, Errc::TooLong);
}

TEST(Icmpv6, EveryTruncationIsATypedError) {
  const Bytes m = hex(kV6PacketTooBig);
  for (size_t n = 0; n < m.size(); ++n) {
    auto e = parse_icmpv6(ByteView(m.data(), n));
    ASSERT_FALSE(e.has_value()) << n;
    EXPECT_EQ(e.error().code, Errc::Truncated) << n;
  }
}

}  // namespace
}  // namespace proto::ip
