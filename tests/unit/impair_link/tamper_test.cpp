// The middlebox frame rewrites (tools/impair_link/tamper.h): exact bytes, flags and sequence
// numbers for IPv4 and IPv6, frames that still verify at a receiver, and malformed or short
// frames left untouched.
#include "tools/impair_link/tamper.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/unit/impair_link/frames.h"

namespace impair {
namespace {

using proto::Bytes;
using proto::ByteView;
using test::build_frame;
using test::eno_option;
using test::receive;
using test::SegmentSpec;

Bytes hex(const char* h) { return *proto::from_hex(h); }
Bytes text(const char* s) { return Bytes(s, s + std::strlen(s)); }

// Golden frames computed by an independent Python script (struct + RFC 1071 sum).
// IPv4 SYN 198.18.0.1:40001 -> .2:8080, seq 1000, MSS 1460 + ENO {0x21, 0x23}.
constexpr const char* kV4SynWithEno =
    "0200000000020200000000010800450000301234400040069c6cc6120001c6120002"
    "9c411f90000003e8000000007002ffffd6190000020405b445042123";
// The same with the ENO option overwritten by NOPs.
constexpr const char* kV4SynEnoStripped =
    "0200000000020200000000010800450000301234400040069c6cc6120001c6120002"
    "9c411f90000003e8000000007002ffff3a3f0000020405b401010101";
// IPv6 FIN|PSH|ACK [fd00:18::1]:40001 -> [::2]:8080, seq 5000, ack 7, "hello".
constexpr const char* kV6DataFin =
    "02000000000202000000000186dd6000000000190640fd000018000000000000000000000001"
    "fd0000180000000000000000000000029c411f9000001388000000075019ffffa25f000068656c6c6f";
// Its halves: ACK seq 5000 "he", then FIN|PSH|ACK seq 5002 "llo".
constexpr const char* kV6FirstHalf =
    "02000000000202000000000186dd6000000000160640fd000018000000000000000000000001"
    "fd0000180000000000000000000000029c411f9000001388000000075010ffff7dd800006865";
constexpr const char* kV6SecondHalf =
    "02000000000202000000000186dd6000000000170640fd000018000000000000000000000001"
    "fd0000180000000000000000000000029c411f900000138a000000075019ffff0ac500006c6c6f";

// Both families, for the tests that are the same on each.
class EachFamily : public ::testing::TestWithParam<bool> {
 protected:
  SegmentSpec spec() const {
    SegmentSpec s;
    s.v6 = GetParam();
    return s;
  }
};
INSTANTIATE_TEST_SUITE_P(Tamper, EachFamily, ::testing::Values(false, true),
                         test::family_name);

TEST(LocateTcp, FindsTheLayersWithIpv4Options) {
  SegmentSpec s;
  s.ip_options = {1, 1, 1, 0};  // NOP NOP NOP EOL
  s.tcp_options = {2, 4, 5, 0xb4};
  s.payload = text("abc");
  s.eth_padding = 6;
  const Frame f = build_frame(s);
  const auto l = locate_tcp(f);
  ASSERT_TRUE(l);
  EXPECT_FALSE(l->v6);
  EXPECT_EQ(l->tcp, 14u + 24u);
  EXPECT_EQ(l->payload, 14u + 24u + 24u);
  EXPECT_EQ(l->payload_len(), 3u);
  EXPECT_EQ(l->end, f.size() - 6);
}

TEST(StripEno, MatchesTheGoldenIpv4Frame) {
  Frame f = hex(kV4SynWithEno);
  ASSERT_TRUE(receive(f));
  EXPECT_TRUE(strip_eno(f));
  EXPECT_EQ(proto::to_hex(f), kV4SynEnoStripped);
}

TEST_P(EachFamily, StripEnoOverwritesEveryEnoOptionWithNops) {
  SegmentSpec s = spec();
  s.flags = kSyn | kAck;
  s.tcp_options = eno_option({0x01, 0x21});   // 4 bytes
  const Bytes mss{2, 4, 5, 0xb4};
  s.tcp_options.insert(s.tcp_options.end(), mss.begin(), mss.end());
  const Bytes eno2 = eno_option({0xa1, 0, 0, 0});  // 6 bytes + 2 NOPs
  s.tcp_options.insert(s.tcp_options.end(), eno2.begin(), eno2.end());
  Frame f = build_frame(s);
  ASSERT_TRUE(strip_eno(f));
  const auto seg = receive(f);
  ASSERT_TRUE(seg);
  EXPECT_EQ(seg->opts.mss, 1460);
  const auto l = *locate_tcp(f);
  Bytes expected(16, kTcpOptNop);
  std::copy(mss.begin(), mss.end(), expected.begin() + 4);
  EXPECT_EQ(Bytes(f.begin() + ptrdiff_t(l.tcp + 20), f.begin() + ptrdiff_t(l.payload)), expected);
}

TEST_P(EachFamily, StripEnoWithoutEnoLeavesTheFrame) {
  SegmentSpec s = spec();
  s.tcp_options = {2, 4, 5, 0xb4};
  Frame f = build_frame(s);
  const Frame before = f;
  EXPECT_FALSE(strip_eno(f));
  EXPECT_EQ(f, before);
}

TEST_P(EachFamily, StripEnoLeavesAMalformedOptionListAlone) {
  SegmentSpec s = spec();
  s.tcp_options = {kTcpOptEno, 4, 0x21, 0x23, 2, 9, 0, 0};  // MSS length runs past the header
  Frame f = build_frame(s);
  const Frame before = f;
  EXPECT_FALSE(strip_eno(f));
  EXPECT_EQ(f, before);
}

// Alters the ENO option with `contents` in a SYN; returns the result and the new contents.
std::pair<AlterResult, Bytes> alter(bool v6, std::initializer_list<uint8_t> contents) {
  SegmentSpec s;
  s.v6 = v6;
  s.flags = kSyn;
  s.tcp_options = eno_option(contents);
  Frame f = build_frame(s);
  const Frame before = f;
  const AlterResult r = alter_eno_tep(f);
  if (r != AlterResult::Altered) {
    EXPECT_EQ(f, before);
  }
  EXPECT_TRUE(receive(f));
  const size_t at = locate_tcp(f)->tcp + 22;
  return {r, Bytes(f.begin() + ptrdiff_t(at), f.begin() + ptrdiff_t(at + contents.size()))};
}

TEST_P(EachFamily, AlterEnoReplacesTheFirstNonLastTepByAnUnusedOne) {
  EXPECT_EQ(alter(GetParam(), {0x21, 0x23}), std::pair(AlterResult::Altered, Bytes{0x22, 0x23}));
  // The global suboption is not a TEP; 0x23 is the first TEP and not last.
  EXPECT_EQ(alter(GetParam(), {0x00, 0x23, 0x21}), std::pair(AlterResult::Altered, Bytes{0x00, 0x22, 0x21}));
  // A TEP with data (0xa2 behind a length byte) counts as mentioned: 0x24 is the unused one.
  EXPECT_EQ(alter(GetParam(), {0x21, 0x81, 0xa2, 7, 8, 0x23}),
            std::pair(AlterResult::Altered, Bytes{0x24, 0x81, 0xa2, 7, 8, 0x23}));
}

TEST_P(EachFamily, AlterEnoSkipsWhenItCannotKeepAValidOffer) {
  EXPECT_EQ(alter(GetParam(), {0x21}).first, AlterResult::Skipped);        // one TEP
  EXPECT_EQ(alter(GetParam(), {0x00, 0x23}).first, AlterResult::Skipped);  // one TEP after global
  EXPECT_EQ(alter(GetParam(), {0x30, 0x21}).first, AlterResult::Skipped);  // only the last is tcpcrypt
  EXPECT_EQ(alter(GetParam(), {0x21, 0x22, 0x23, 0x24}).first, AlterResult::Skipped);  // none unused
}

TEST_P(EachFamily, AlterEnoIgnoresMalformedOrMissingEno) {
  EXPECT_EQ(alter(GetParam(), {0x21, 0x85, 0xa2, 1}).first, AlterResult::NotApplicable);  // length overruns
  EXPECT_EQ(alter(GetParam(), {}).first, AlterResult::NotApplicable);  // no suboptions
  SegmentSpec s = spec();
  s.flags = kSyn;
  Frame f = build_frame(s);
  EXPECT_EQ(alter_eno_tep(f), AlterResult::NotApplicable);
}

TEST_P(EachFamily, FlipPayloadBitFlipsTheLowBitOfTheMiddleByte) {
  SegmentSpec s = spec();
  s.payload = text("abcde");
  Frame f = build_frame(s);
  ASSERT_TRUE(flip_payload_bit(f));
  const auto seg = receive(f);
  ASSERT_TRUE(seg);
  EXPECT_EQ(Bytes(seg->payload.begin(), seg->payload.end()), text("abbde"));
  EXPECT_EQ(seg->seq.v, 1000u);
}

TEST_P(EachFamily, FlipPayloadBitNeedsPayload) {
  Frame f = build_frame(spec());
  const Frame before = f;
  EXPECT_FALSE(flip_payload_bit(f));
  EXPECT_EQ(f, before);
}

TEST_P(EachFamily, ToggleFinTwiceRestoresTheFrame) {
  SegmentSpec s = spec();
  s.payload = text("xy");
  Frame f = build_frame(s);
  const Frame before = f;
  ASSERT_TRUE(toggle_fin(f));
  auto seg = receive(f);
  ASSERT_TRUE(seg);
  EXPECT_TRUE(seg->has(proto::tcp::kFin));
  ASSERT_TRUE(toggle_fin(f));
  EXPECT_EQ(f, before);
}

TEST_P(EachFamily, SetUrgentSetsFlagAndPointer) {
  SegmentSpec s = spec();
  s.payload = text("xyz");
  Frame f = build_frame(s);
  ASSERT_TRUE(set_urgent(f, 1));
  const auto seg = receive(f);
  ASSERT_TRUE(seg);
  EXPECT_TRUE(seg->has(proto::tcp::kUrg));
  EXPECT_EQ(seg->urgent, 1);
  EXPECT_EQ(Bytes(seg->payload.begin(), seg->payload.end()), text("xyz"));
}

TEST(Resegment, MatchesTheGoldenIpv6Halves) {
  const auto halves = resegment(hex(kV6DataFin));
  ASSERT_TRUE(halves);
  EXPECT_EQ(proto::to_hex(halves->first), kV6FirstHalf);
  EXPECT_EQ(proto::to_hex(halves->second), kV6SecondHalf);
}

TEST_P(EachFamily, ResegmentSplitsPayloadSeqAndFlags) {
  SegmentSpec s = spec();
  s.flags = kAck | kPsh | kFin;
  s.seq = 0xfffffffe;  // the second half's seq wraps
  s.tcp_options = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};  // timestamps, copied to both
  s.payload = text("hello!!");
  s.eth_padding = 5;
  if (!s.v6) s.ip_options = {1, 1, 1, 1};
  const auto halves = resegment(build_frame(s));
  ASSERT_TRUE(halves);
  const auto a = receive(halves->first), b = receive(halves->second);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->seq.v, 0xfffffffeu);
  EXPECT_EQ(Bytes(a->payload.begin(), a->payload.end()), text("hel"));
  EXPECT_EQ(a->flags & (proto::tcp::kFin | proto::tcp::kPsh), 0);
  EXPECT_TRUE(a->ack);
  EXPECT_EQ(b->seq.v, 1u);
  EXPECT_EQ(Bytes(b->payload.begin(), b->payload.end()), text("lo!!"));
  EXPECT_TRUE(b->has(proto::tcp::kFin) && b->has(proto::tcp::kPsh));
  ASSERT_TRUE(a->opts.timestamps && b->opts.timestamps);
  // No Ethernet padding: each frame ends with its datagram.
  EXPECT_EQ(locate_tcp(halves->first)->end, halves->first.size());
  EXPECT_EQ(locate_tcp(halves->second)->end, halves->second.size());
}

TEST_P(EachFamily, ResegmentKeepsUrgOnlyWhereThePointerReaches) {
  SegmentSpec s = spec();
  s.flags = kAck | kUrg;
  s.payload = text("abcdef");
  s.urgent = 2;  // inside the first half (3 bytes)
  auto halves = resegment(build_frame(s));
  ASSERT_TRUE(halves);
  EXPECT_EQ(receive(halves->first)->urgent, 2);
  EXPECT_FALSE(receive(halves->second)->has(proto::tcp::kUrg));
  s.urgent = 5;  // reaches into the second half
  halves = resegment(build_frame(s));
  ASSERT_TRUE(halves);
  EXPECT_TRUE(receive(halves->second)->has(proto::tcp::kUrg));
  EXPECT_EQ(receive(halves->second)->urgent, 2);
}

TEST_P(EachFamily, ResegmentRefusesSynAndTinySegments) {
  SegmentSpec s = spec();
  s.payload = text("a");
  EXPECT_FALSE(resegment(build_frame(s)));
  s.payload = text("ab");
  s.flags = kSyn;
  EXPECT_FALSE(resegment(build_frame(s)));
}

// Runs every rewrite on `f`; each must refuse and leave the bytes as they were.
void expect_untouched(const Frame& f) {
  Frame g = f;
  EXPECT_FALSE(locate_tcp(g));
  EXPECT_FALSE(strip_eno(g));
  EXPECT_EQ(alter_eno_tep(g), AlterResult::NotApplicable);
  EXPECT_FALSE(flip_payload_bit(g));
  EXPECT_FALSE(toggle_fin(g));
  EXPECT_FALSE(set_urgent(g, 1));
  EXPECT_FALSE(resegment(g));
  EXPECT_EQ(g, f);
}

// Every prefix of a valid frame is either complete enough to be accepted or left alone; run
// under ASan this also shows no read past the (exactly sized) vector.
TEST_P(EachFamily, TruncatedFramesAreLeftUntouched) {
  SegmentSpec s = spec();
  s.flags = kSyn;
  s.tcp_options = eno_option({0x21, 0x23});
  s.payload = text("data");
  const Frame full = build_frame(s);
  for (size_t n = 0; n < full.size(); ++n) {
    SCOPED_TRACE(n);
    expect_untouched(Frame(full.begin(), full.begin() + ptrdiff_t(n)));
  }
}

TEST_P(EachFamily, MalformedHeadersAreLeftUntouched) {
  SegmentSpec s = spec();
  s.payload = text("data");
  const Frame good = build_frame(s);
  const size_t ip = 14, tcp = locate_tcp(good)->tcp;
  auto edit = [&](size_t at, uint8_t v) {
    Frame f = good;
    f[at] = v;
    return f;
  };
  expect_untouched(edit(12, 0x81));                       // VLAN tag, not IP
  expect_untouched(edit(ip, s.v6 ? 0x40 : 0x60));         // version nibble disagrees
  expect_untouched(edit(ip + (s.v6 ? 6 : 9), 17));        // UDP
  expect_untouched(edit(tcp + 12, 0x40));                 // data offset 4 words
  expect_untouched(edit(tcp + 12, 0xf0));                 // data offset past the segment
  expect_untouched(edit(ip + (s.v6 ? 4 : 2), 0xff));      // IP length past the frame
  if (!s.v6) {
    expect_untouched(edit(ip, 0x44));                     // IHL below 5
    expect_untouched(edit(ip + 6, 0x20));                 // more fragments
  }
}

}  // namespace
}  // namespace impair
