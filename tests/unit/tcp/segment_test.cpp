// TCP segment and options codec against hand-built packets (checksums computed
// independently of this code).
#include "proto/tcp/segment.h"

#include <gtest/gtest.h>

namespace proto::tcp {
namespace {

// SYN 192.0.2.1:40000 -> 192.0.2.2:80, seq 0x01020304, win 65535; options MSS 1460,
// SACK-permitted, TS(0x11223344, 0), WS 7, ENO (kind 69, one suboption byte 0x21), EOL.
constexpr const char* kSynV4 =
    "9c4000500102030400000000b002ffffc59c0000020405b40402080a11223344000000000303074503210000";
// ACK+PSH 2001:db8::1:443 -> 2001:db8::2:50000, seq 0xfffffff0, ack 0x01020305, win 1000,
// NOP NOP TS(5, 0x11223344), payload "hello".
constexpr const char* kDataV6 =
    "01bbc350fffffff001020305801803e8c61200000101080a000000051122334468656c6c6f";

const Bytes kV4Src{192, 0, 2, 1}, kV4Dst{192, 0, 2, 2};
const Bytes kV6Src = *from_hex("20010db8000000000000000000000001");
const Bytes kV6Dst = *from_hex("20010db8000000000000000000000002");

TEST(SeqNum, ComparesModulo32Bits) {
  EXPECT_LT(SeqNum{0xfffffff0}, SeqNum{5});
  EXPECT_GT(SeqNum{5}, SeqNum{0xfffffff0});
  EXPECT_EQ(SeqNum{5} - SeqNum{0xfffffff0}, 21u);
  EXPECT_TRUE(in_range(SeqNum{2}, SeqNum{0xffffffff}, SeqNum{10}));
  EXPECT_FALSE(in_range(SeqNum{10}, SeqNum{0xffffffff}, SeqNum{10}));
}

TEST(Segment, ParsesHandBuiltSynV4WithEnoKeptRaw) {
  Bytes pkt = *from_hex(kSynV4);
  auto r = parse_segment(pkt, kV4Src, kV4Dst);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->src_port, 40000);
  EXPECT_EQ(r->dst_port, 80);
  EXPECT_EQ(r->seq, SeqNum{0x01020304});
  EXPECT_FALSE(r->ack);
  EXPECT_EQ(r->flags, kSyn);
  EXPECT_EQ(r->window, 65535);
  EXPECT_EQ(r->opts.mss, 1460);
  EXPECT_TRUE(r->opts.sack_permitted);
  EXPECT_EQ(r->opts.timestamps, (Timestamps{0x11223344, 0}));
  EXPECT_EQ(r->opts.window_scale, 7);
  ASSERT_EQ(r->opts.unknown.size(), 1u);
  EXPECT_EQ(to_hex(r->opts.unknown[0]), "450321");
  EXPECT_EQ(r->seg_len(), 1u);
}

TEST(Segment, ParsesHandBuiltDataV6) {
  Bytes pkt = *from_hex(kDataV6);
  auto r = parse_segment(pkt, kV6Src, kV6Dst);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->ack, SeqNum{0x01020305});
  EXPECT_EQ(r->flags, kPsh);
  EXPECT_EQ(r->opts.timestamps, (Timestamps{5, 0x11223344}));
  EXPECT_EQ(std::string(r->payload.begin(), r->payload.end()), "hello");
  EXPECT_EQ(r->seg_len(), 5u);
}

TEST(Segment, EmitReproducesHandBuiltBytes) {
  for (auto [hex, src, dst] : {std::tuple{kSynV4, kV4Src, kV4Dst}, {kDataV6, kV6Src, kV6Dst}}) {
    Bytes pkt = *from_hex(hex);
    auto r = parse_segment(pkt, src, dst);
    ASSERT_TRUE(r);
    ASSERT_EQ(*r->wire_len(), pkt.size());
    Bytes out(pkt.size() + 10);
    auto n = r->emit(src, dst, out);
    ASSERT_TRUE(n);
    out.resize(*n);
    EXPECT_EQ(to_hex(out), hex);
  }
}

TEST(Segment, EveryBitFlipFailsTheChecksum) {
  Bytes pkt = *from_hex(kDataV6);
  for (size_t bit = 0; bit < pkt.size() * 8; ++bit) {
    Bytes bad = pkt;
    bad[bit / 8] ^= uint8_t(1u << (bit % 8));
    ASSERT_FALSE(parse_segment(bad, kV6Src, kV6Dst)) << "bit " << bit;
  }
  // Wrong pseudo-header (other destination) fails as well.
  EXPECT_EQ(parse_segment(pkt, kV6Src, kV6Src).error().code, Errc::BadChecksum);
}

TEST(Segment, RejectsTruncatedAndBadDataOffset) {
  Bytes pkt = *from_hex(kSynV4);
  for (size_t n = 0; n < 20; ++n)
    EXPECT_EQ(SegmentView::parse(ByteView(pkt).first(n)).error().code, Errc::Truncated);
  // Header claims 44 bytes; give it 40.
  EXPECT_EQ(SegmentView::parse(ByteView(pkt).first(40)).error().code, Errc::Truncated);
  Bytes low = pkt;
  low[12] = 0x40;  // data offset 4
  EXPECT_EQ(SegmentView::parse(low).error().code, Errc::BadValue);
}

TEST(Options, RejectsMalformedLengths) {
  const char* bad[] = {
      "02",          // no length byte
      "0201",        // length < 2
      "0206050a",    // runs past the end
      "020305",      // MSS with length 3
      "0304070000",  // WS with length 4
      "040300",      // SACK-permitted with length 3
      "0506000000000000",  // SACK length not 2+8n
      "080400000000",      // TS with length 4
      "05" "2a" "00000000000000000000000000000000000000000000000000000000000000000000000000000000",
  };
  for (const char* hex : bad) {
    Bytes raw = *from_hex(hex);
    EXPECT_FALSE(TcpOptions::parse(raw)) << hex;
  }
}

TEST(Options, EolEndsParsingAndNopIsSkipped) {
  // NOP NOP WS(9) EOL, then bytes after EOL that would be a malformed MSS option.
  auto o = TcpOptions::parse(*from_hex("01010303090002ffff"));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->window_scale, 9);
  EXPECT_FALSE(o->mss);
}

TEST(Options, WindowScaleAbove14IsClamped) {
  auto o = TcpOptions::parse(*from_hex("03030f"));  // RFC 7323 §2.3
  ASSERT_TRUE(o);
  EXPECT_EQ(o->window_scale, 14);
}

TEST(Options, SackBlocksRoundTripWithTimestamps) {
  TcpOptions o;
  o.timestamps = Timestamps{1, 2};
  o.sack_count = 3;
  for (uint32_t i = 0; i < 3; ++i) o.sack[i] = SackBlock{SeqNum{100 * i + 10}, SeqNum{100 * i + 50}};
  ASSERT_EQ(*o.wire_len(false), 40u);  // 12 (TS) + 28 (3 blocks) fills the space exactly
  Bytes out(40);
  ASSERT_TRUE(o.emit(false, out));
  EXPECT_EQ(to_hex(ByteView(out).first(4)), "0101080a");
  auto back = TcpOptions::parse(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sack_count, 3);
  EXPECT_EQ(back->sack[2], (SackBlock{SeqNum{210}, SeqNum{250}}));
  o.sack_count = 4;
  EXPECT_FALSE(o.wire_len(false));  // 4 blocks + TS exceed 40 bytes
}

// The SYN option budget documented in options.h: 19 bytes of standard options leave 21
// bytes for a TCP-ENO option; a 22-byte one does not fit.
TEST(Options, SynBudgetLeavesTwentyOneBytesForEno) {
  TcpOptions o;
  o.mss = 1460;
  o.sack_permitted = true;
  o.timestamps = Timestamps{7, 0};
  o.window_scale = 7;
  EXPECT_EQ(o.unpadded_len(true), 19u);
  Bytes eno(21, 0x20);
  eno[0] = kOptEno;
  eno[1] = 21;
  o.unknown = {eno};
  ASSERT_EQ(*o.wire_len(true), 40u);
  Bytes out(40);
  ASSERT_TRUE(o.emit(true, out));
  EXPECT_EQ(to_hex(ByteView(out).first(19)), "020405b40402080a00000007000000000303" "07");
  auto back = TcpOptions::parse(out);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->unknown.size(), 1u);
  EXPECT_EQ(back->unknown[0].size(), 21u);
  eno.push_back(0x20);
  eno[1] = 22;
  o.unknown = {eno};
  EXPECT_FALSE(o.wire_len(true));
}

TEST(Address, FromBytesAcceptsOnlyIpv4AndIpv6Lengths) {
  EXPECT_TRUE(IpAddress::from_bytes(kV4Src)->is_v4());
  EXPECT_EQ(IpAddress::from_bytes(kV4Src), IpAddress::v4({192, 0, 2, 1}));
  EXPECT_FALSE(IpAddress::from_bytes(kV6Src)->is_v4());
  EXPECT_EQ(ip_header_len(*IpAddress::from_bytes(kV6Src)), 40u);
  EXPECT_FALSE(IpAddress::from_bytes(Bytes(5, 1)).has_value());
}

TEST(Segment, ResetForFollowsRfc9293) {
  SegmentRepr syn;
  syn.src_port = 1;
  syn.dst_port = 2;
  syn.seq = SeqNum{100};
  syn.flags = kSyn;
  auto rst = reset_for(syn);
  ASSERT_TRUE(rst);
  EXPECT_EQ(rst->seq, SeqNum{0});
  EXPECT_EQ(rst->ack, SeqNum{101});
  EXPECT_EQ(rst->src_port, 2);
  SegmentRepr ack = syn;
  ack.flags = 0;
  ack.ack = SeqNum{555};
  rst = reset_for(ack);
  ASSERT_TRUE(rst);
  EXPECT_EQ(rst->seq, SeqNum{555});
  EXPECT_FALSE(rst->ack);
  ack.flags = kRst;
  EXPECT_FALSE(reset_for(ack));  // never answer a RST
}

}  // namespace
}  // namespace proto::tcp
