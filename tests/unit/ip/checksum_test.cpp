#include "proto/ip/checksum.h"

#include <gtest/gtest.h>

#include "tests/unit/ip/packets.h"

namespace proto::ip {
namespace {

TEST(OnesComplementSum, MatchesRfc1071Example) {
  // RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
  Bytes b = *from_hex("0001f203f4f5f6f7");
  EXPECT_EQ(ones_complement_sum(b), 0xddf2);
}

TEST(OnesComplementSum, IncrementalEqualsOneShot) {
  Bytes b = *from_hex("0001f203f4f5f6f7ab");
  uint16_t part = ones_complement_sum(ByteView(b).first(4));
  EXPECT_EQ(ones_complement_sum(ByteView(b).subspan(4), part), ones_complement_sum(b));
  OnesComplementSum acc;
  acc.add(ByteView(b).first(2));
  acc.add_be16(0xf203);
  acc.add_be32(0xf4f5f6f7);
  acc.add(ByteView(b).subspan(8));
  EXPECT_EQ(acc.folded(), ones_complement_sum(b));
}

TEST(OnesComplementSum, OddTailIsPaddedWithZero) {
  EXPECT_EQ(ones_complement_sum(*from_hex("ab")), 0xab00);
  EXPECT_EQ(ones_complement_sum(*from_hex("0001ab")), 0xab01);
  EXPECT_EQ(ones_complement_sum(Bytes{}), 0);
}

TEST(OnesComplementSum, ValidIpv4HeaderSumsToAllOnes) {
  // A textbook header whose checksum field is b861 (computed independently).
  Bytes h = *from_hex("45000073000040004011b861c0a80001c0a800c7");
  EXPECT_EQ(ones_complement_sum(h), 0xffff);
  store_be16(h, 10, 0);
  OnesComplementSum acc;
  acc.add(h);
  EXPECT_EQ(acc.checksum(), 0xb861);
}

// The expected values were computed by an independent Python implementation.
TEST(TcpChecksum, Ipv4MatchesIndependentValue) {
  Bytes pkt = *from_hex(testpkt::kV4Syn);
  Bytes seg(pkt.begin() + 20, pkt.end());
  ByteView src = ByteView(pkt).subspan(12, 4), dst = ByteView(pkt).subspan(16, 4);
  EXPECT_EQ(tcp_checksum(src, dst, seg), 0);  // verifying a correct segment gives 0
  store_be16(seg, 16, 0);
  EXPECT_EQ(tcp_checksum(src, dst, seg), 0x224d);
}

TEST(TcpChecksum, Ipv4OddLengthPayload) {
  Bytes pkt = *from_hex(testpkt::kV4OddPayload);
  Bytes seg(pkt.begin() + 20, pkt.end());
  ASSERT_EQ(seg.size() % 2, 1u);
  ByteView src = ByteView(pkt).subspan(12, 4), dst = ByteView(pkt).subspan(16, 4);
  EXPECT_EQ(tcp_checksum(src, dst, seg), 0);
  store_be16(seg, 16, 0);
  EXPECT_EQ(tcp_checksum(src, dst, seg), 0x28fb);
}

TEST(TcpChecksum, Ipv6MatchesIndependentValue) {
  Bytes pkt = *from_hex(testpkt::kV6Syn);
  Bytes seg(pkt.begin() + 40, pkt.end());
  ByteView src = ByteView(pkt).subspan(8, 16), dst = ByteView(pkt).subspan(24, 16);
  EXPECT_EQ(tcp_checksum(src, dst, seg), 0);
  store_be16(seg, 16, 0);
  EXPECT_EQ(tcp_checksum(src, dst, seg), 0xb440);
  seg[23] ^= 0x01;  // any flipped bit is caught
  EXPECT_NE(tcp_checksum(src, dst, seg), 0xb440);
}

TEST(TcpChecksum, PseudoHeaderSumIsThePartialChecksum) {
  // What a CHECKSUM_PARTIAL/TSO packet carries (packet-path §7.4): completing it with the
  // segment sum gives the full checksum.
  Bytes pkt = *from_hex(testpkt::kV6Syn);
  Bytes seg(pkt.begin() + 40, pkt.end());
  store_be16(seg, 16, 0);
  ByteView src = ByteView(pkt).subspan(8, 16), dst = ByteView(pkt).subspan(24, 16);
  uint16_t partial = tcp_pseudo_header_sum(src, dst, uint32_t(seg.size()));
  EXPECT_EQ(uint16_t(~ones_complement_sum(seg, partial)), tcp_checksum(src, dst, seg));
}

}  // namespace
}  // namespace proto::ip
