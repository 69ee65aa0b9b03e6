#include "proto/ip/packet.h"

#include <gtest/gtest.h>

#include "proto/ip/checksum.h"
#include "tests/unit/ip/packets.h"

namespace proto::ip {
namespace {

Bytes hex(const char* h) { return *from_hex(h); }

// Recomputes the IPv4 header checksum after a test edits the header.
void fix_ipv4_checksum(Bytes& pkt) {
  const size_t ihl = size_t(pkt[0] & 0x0f) * 4;
  store_be16(pkt, 10, 0);
  OnesComplementSum sum;
  sum.add(ByteView(pkt).first(ihl));
  store_be16(pkt, 10, sum.checksum());
}

Errc error_of(const Result<IpPacket>& r) {
  EXPECT_FALSE(r.has_value());
  return r ? Errc::InvalidState : r.error().code;
}

TEST(ParseIpv4, ReadsFieldsAndPayload) {
  Bytes pkt = hex(testpkt::kV4Syn);
  auto p = parse_tcp(pkt);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->src.to_string(), "198.18.0.2");
  EXPECT_EQ(p->dst.to_string(), "198.18.0.1");
  EXPECT_EQ(p->protocol, kProtocolTcp);
  EXPECT_EQ(p->ttl, 64);
  EXPECT_EQ(p->traffic_class, 0);
  EXPECT_EQ(p->header_len, 20u);
  ASSERT_EQ(p->payload.size(), 24u);
  EXPECT_EQ(p->payload.data(), pkt.data() + 20);  // borrows, no copy
  EXPECT_EQ(load_be16(p->payload, 2), 9090);
}

TEST(ParseIpv4, TrimsBytesBeyondTotalLength) {
  Bytes pkt = hex(testpkt::kV4Syn);
  pkt.insert(pkt.end(), {0, 0, 0, 0, 0, 0});
  auto p = parse(pkt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payload.size(), 24u);
}

TEST(ParseIpv4, SkipsOptions) {
  Bytes pkt = hex(testpkt::kV4Syn);
  pkt.insert(pkt.begin() + 20, {1, 1, 1, 0});  // NOP NOP NOP EOL
  pkt[0] = 0x46;
  store_be16(pkt, 2, uint16_t(pkt.size()));
  fix_ipv4_checksum(pkt);
  auto p = parse_tcp(pkt);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->header_len, 24u);
  EXPECT_EQ(load_be16(p->payload, 2), 9090);
}

TEST(ParseIpv4, RejectsEveryTruncation) {
  Bytes pkt = hex(testpkt::kV4Syn);
  for (size_t n = 0; n < pkt.size(); ++n) {
    auto r = parse(ByteView(pkt).first(n));
    EXPECT_EQ(error_of(r), Errc::Truncated) << "length " << n;
  }
}

TEST(ParseIpv4, RejectsBadChecksum) {
  Bytes pkt = hex(testpkt::kV4Syn);
  pkt[8] = 63;  // TTL changed without updating the checksum
  EXPECT_EQ(error_of(parse(pkt)), Errc::BadIpChecksum);
}

TEST(ParseIpv4, RejectsImpossibleLengths) {
  Bytes pkt = hex(testpkt::kV4Syn);
  pkt[0] = 0x44;  // IHL 4
  fix_ipv4_checksum(pkt);
  EXPECT_EQ(error_of(parse(pkt)), Errc::BadValue);
  pkt = hex(testpkt::kV4Syn);
  store_be16(pkt, 2, 19);  // total below header
  fix_ipv4_checksum(pkt);
  EXPECT_EQ(error_of(parse(pkt)), Errc::BadValue);
  pkt = hex(testpkt::kV4Syn);
  pkt[0] = 0x4f;  // IHL 15 = 60 bytes > 44-byte packet
  EXPECT_EQ(error_of(parse(pkt)), Errc::Truncated);
}

TEST(ParseIpv4, RejectsFragments) {
  Bytes pkt = hex(testpkt::kV4Syn);
  store_be16(pkt, 6, 0x2000);  // MF
  fix_ipv4_checksum(pkt);
  EXPECT_EQ(error_of(parse(pkt)), Errc::IpFragment);
  store_be16(pkt, 6, 0x0001);  // offset 8
  fix_ipv4_checksum(pkt);
  EXPECT_EQ(error_of(parse(pkt)), Errc::IpFragment);
  store_be16(pkt, 6, 0x0000);  // DF clear, not a fragment
  fix_ipv4_checksum(pkt);
  EXPECT_TRUE(parse(pkt));
}

TEST(ParseIpv4, NonTcpParsesButParseTcpRejects) {
  Bytes pkt = hex(testpkt::kV4Syn);
  pkt[9] = 17;
  fix_ipv4_checksum(pkt);
  auto p = parse(pkt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->protocol, 17);
  EXPECT_EQ(error_of(parse_tcp(pkt)), Errc::NotTcp);
}

TEST(Parse, RejectsUnknownVersion) {
  Bytes pkt = hex(testpkt::kV4Syn);
  pkt[0] = 0x55;
  EXPECT_EQ(error_of(parse(pkt)), Errc::BadIpVersion);
  EXPECT_EQ(error_of(parse(Bytes{})), Errc::Truncated);
  EXPECT_EQ(error_of(parse_ipv6(hex(testpkt::kV4Syn))), Errc::BadIpVersion);
  pkt = hex(testpkt::kV6Syn);
  EXPECT_EQ(error_of(parse_ipv4(pkt)), Errc::BadIpVersion);
}

TEST(ParseIpv6, ReadsFieldsAndPayload) {
  Bytes pkt = hex(testpkt::kV6Syn);
  auto p = parse_tcp(pkt);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->src.to_string(), "fd00:18::2");
  EXPECT_EQ(p->dst.to_string(), "fd00:18::1");
  EXPECT_EQ(p->ttl, 64);
  EXPECT_EQ(p->header_len, 40u);
  EXPECT_EQ(p->payload.size(), 24u);
  pkt.push_back(0xee);  // trailing padding is ignored
  EXPECT_EQ(parse(pkt)->payload.size(), 24u);
}

TEST(ParseIpv6, ReadsTrafficClass) {
  Bytes pkt = hex(testpkt::kV6Syn);
  store_be32(pkt, 0, 0x6b812345);  // traffic class 0xb8 (EF), flow label 0x12345
  EXPECT_EQ(parse(pkt)->traffic_class, 0xb8);
}

TEST(ParseIpv6, RejectsEveryTruncation) {
  Bytes pkt = hex(testpkt::kV6Syn);
  for (size_t n = 0; n < pkt.size(); ++n)
    EXPECT_EQ(error_of(parse(ByteView(pkt).first(n))), Errc::Truncated) << "length " << n;
}

// Inserts an extension header of type `type` carrying `body` right after the fixed header.
Bytes with_extension(uint8_t type, Bytes body) {
  Bytes pkt = hex(testpkt::kV6Syn);
  body[0] = pkt[6];  // its next header is the old one
  pkt[6] = type;
  pkt.insert(pkt.begin() + 40, body.begin(), body.end());
  store_be16(pkt, 4, uint16_t(pkt.size() - 40));
  return pkt;
}

TEST(ParseIpv6, WalksExtensionHeadersToTcp) {
  // Hop-by-hop with PadN (8 bytes), then destination options of 16 bytes.
  Bytes pkt = with_extension(60, {0, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  Bytes hbh{0, 0, 1, 4, 0, 0, 0, 0};
  hbh[0] = pkt[6];
  pkt[6] = 0;
  pkt.insert(pkt.begin() + 40, hbh.begin(), hbh.end());
  store_be16(pkt, 4, uint16_t(pkt.size() - 40));
  auto p = parse_tcp(pkt);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->header_len, 40u + 8 + 16);
  EXPECT_EQ(load_be16(p->payload, 2), 9090);
}

TEST(ParseIpv6, AcceptsAtomicFragmentRejectsRealOnes) {
  Bytes atomic = with_extension(44, {0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef});
  auto p = parse_tcp(atomic);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->header_len, 48u);
  EXPECT_EQ(error_of(parse(with_extension(44, {0, 0, 0, 1, 0, 0, 0, 1}))), Errc::IpFragment);
  EXPECT_EQ(error_of(parse(with_extension(44, {0, 0, 0, 8, 0, 0, 0, 1}))), Errc::IpFragment);
}

TEST(ParseIpv6, EspHidesTheTransport) {
  Bytes pkt = with_extension(50, {0, 0, 0, 0, 0, 0, 0, 0});
  auto p = parse(pkt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->protocol, 50);
  EXPECT_EQ(error_of(parse_tcp(pkt)), Errc::NotTcp);
}

TEST(ParseIpv6, RejectsMalformedChains) {
  // Extension length runs past the payload.
  EXPECT_EQ(error_of(parse(with_extension(60, {0, 200, 0, 0, 0, 0, 0, 0}))), Errc::Truncated);
  // Hop-by-hop after another extension header.
  Bytes pkt = with_extension(60, {0, 0, 0, 0, 0, 0, 0, 0});
  pkt[40] = 0;
  EXPECT_EQ(error_of(parse(pkt)), Errc::BadValue);
  // A chain longer than the walk limit (each destination-options header points to another).
  pkt = hex(testpkt::kV6Syn);
  pkt[6] = 60;
  Bytes chain(8 * 9, 0);
  for (size_t i = 0; i < chain.size(); i += 8) chain[i] = 60;
  pkt.insert(pkt.begin() + 40, chain.begin(), chain.end());
  store_be16(pkt, 4, uint16_t(pkt.size() - 40));
  EXPECT_EQ(error_of(parse(pkt)), Errc::TooLong);
  // The payload length promises more than the buffer holds.
  pkt = hex(testpkt::kV6Syn);
  store_be16(pkt, 4, 25);
  EXPECT_EQ(error_of(parse(pkt)), Errc::Truncated);
  // An extension header cut after its first byte.
  pkt = hex(testpkt::kV6Syn);
  pkt[6] = 60;
  pkt.resize(41);
  store_be16(pkt, 4, 1);
  EXPECT_EQ(error_of(parse(pkt)), Errc::Truncated);
}

TEST(EmitTcpHeader, Ipv4MatchesHandBuiltHeader) {
  Bytes expected = hex(testpkt::kV4Syn);
  Bytes out(20 + 24, 0xaa);
  auto n = emit_tcp_header(out, *IpAddress::parse("198.18.0.2"), *IpAddress::parse("198.18.0.1"), 24);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 20u);
  EXPECT_EQ(to_hex(ByteView(out).first(20)), to_hex(ByteView(expected).first(20)));
  EXPECT_EQ(out[20], 0xaa);  // nothing written past the header
}

TEST(EmitTcpHeader, Ipv6MatchesHandBuiltHeader) {
  Bytes expected = hex(testpkt::kV6Syn);
  Bytes out(40);
  auto n = emit_tcp_header(out, *IpAddress::parse("fd00:18::2"), *IpAddress::parse("fd00:18::1"), 24);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 40u);
  EXPECT_EQ(to_hex(out), to_hex(ByteView(expected).first(40)));
}

TEST(EmitTcpHeader, RoundTripsThroughParse) {
  Bytes pkt(20 + 5);
  auto src = *IpAddress::parse("198.18.0.1"), dst = *IpAddress::parse("198.18.0.2");
  ASSERT_TRUE(emit_tcp_header(pkt, src, dst, 5, 17, 0x1234));
  auto p = parse(pkt);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_EQ(p->src, src);
  EXPECT_EQ(p->dst, dst);
  EXPECT_EQ(p->ttl, 17);
  EXPECT_EQ(load_be16(pkt, 4), 0x1234);
  EXPECT_EQ(load_be16(pkt, 6), 0x4000);  // DF
  EXPECT_EQ(p->payload.size(), 5u);
}

TEST(EmitTcpHeader, RejectsBadArguments) {
  auto v4 = *IpAddress::parse("198.18.0.1"), v6 = *IpAddress::parse("fd00::1");
  Bytes out(40);
  EXPECT_EQ(emit_tcp_header(out, v4, v6, 0).error().code, Errc::InvalidArgument);
  EXPECT_EQ(emit_tcp_header(MutByteView(out).first(39), v6, v6, 0).error().code, Errc::InvalidArgument);
  EXPECT_EQ(emit_tcp_header(out, v4, v4, 65536 - 20).error().code, Errc::TooLong);
  EXPECT_TRUE(emit_tcp_header(out, v4, v4, 65535 - 20));
  EXPECT_EQ(emit_tcp_header(out, v6, v6, 65536).error().code, Errc::TooLong);
}

}  // namespace
}  // namespace proto::ip
