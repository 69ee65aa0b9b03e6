// Which frames the middlebox rewrites (tools/impair_link/tamper_policy.h): ENO stripping by
// segment role, the SYN alteration, one-shot payload rewrites in one direction, resegmentation.
#include "tools/impair_link/tamper_policy.h"

#include <gtest/gtest.h>

#include "tests/unit/impair_link/frames.h"

namespace impair {
namespace {

using proto::Bytes;
using test::build_frame;
using test::eno_option;
using test::receive;
using test::SegmentSpec;

// A handshake with ENO on every segment, then data both ways: A -> B is the active opener.
struct Flow {
  bool v6 = false;

  Frame seg(uint8_t flags, bool from_b, Bytes payload = {}, uint32_t seq = 1000) const {
    SegmentSpec s;
    s.v6 = v6;
    s.flags = flags;
    s.reverse = from_b;
    s.seq = seq;
    s.tcp_options = eno_option((flags & kSyn) ? std::initializer_list<uint8_t>{0x21, 0x23}
                                                 : std::initializer_list<uint8_t>{});
    s.payload = std::move(payload);
    return build_frame(s);
  }
  Frame syn() const { return seg(kSyn, false); }
  Frame syn_ack() const { return seg(kSyn | kAck, true); }
  Frame ack() const { return seg(kAck, false); }
  Frame data_a(uint32_t seq) const { return seg(kAck | kPsh, false, Bytes{1, 2, 3, 4}, seq); }
  Frame data_b(uint32_t seq) const { return seg(kAck | kPsh, true, Bytes{5, 6, 7, 8}, seq); }
};

bool has_eno(const Frame& f) {
  const auto seg = receive(f);
  if (!seg) return false;
  for (const auto& o : seg->opts.unknown)
    if (!o.empty() && o[0] == kTcpOptEno) return true;
  return false;
}

// Passes `f` through `p` and returns the single frame out.
Frame one(TamperPolicy& p, const Frame& f, Direction d) {
  std::vector<Frame> out;
  p.process(f, d, out);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? Frame{} : out[0];
}

// ENO presence on SYN, SYN-ACK, third ACK and the next A -> B segment after the policy.
std::array<bool, 4> eno_after(EnoStrip mode, bool v6) {
  TamperConfig cfg;
  cfg.strip_eno = mode;
  TamperPolicy p(cfg);
  const Flow flow{v6};
  return {has_eno(one(p, flow.syn(), Direction::AtoB)), has_eno(one(p, flow.syn_ack(), Direction::BtoA)),
          has_eno(one(p, flow.ack(), Direction::AtoB)), has_eno(one(p, flow.ack(), Direction::AtoB))};
}

class PolicyFamily : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Policy, PolicyFamily, ::testing::Values(false, true),
                         test::family_name);

TEST_P(PolicyFamily, StripEnoHitsOnlyTheNamedSegments) {
  const bool v6 = GetParam();
  EXPECT_EQ(eno_after(EnoStrip::None, v6), (std::array{true, true, true, true}));
  EXPECT_EQ(eno_after(EnoStrip::Syn, v6), (std::array{false, true, true, true}));
  EXPECT_EQ(eno_after(EnoStrip::SynAck, v6), (std::array{true, false, true, true}));
  EXPECT_EQ(eno_after(EnoStrip::ThirdAck, v6), (std::array{true, true, false, true}));
  EXPECT_EQ(eno_after(EnoStrip::All, v6), (std::array{false, false, false, false}));
}

TEST_P(PolicyFamily, ThirdAckIsTheActiveOpenersFirstNonSyn) {
  TamperConfig cfg;
  cfg.strip_eno = EnoStrip::ThirdAck;
  TamperPolicy p(cfg);
  const Flow flow{GetParam()};
  one(p, flow.syn(), Direction::AtoB);
  one(p, flow.syn_ack(), Direction::BtoA);
  EXPECT_TRUE(has_eno(one(p, flow.seg(kAck, true), Direction::BtoA)));  // the passive side's ACK
  EXPECT_FALSE(has_eno(one(p, flow.ack(), Direction::AtoB)));
  EXPECT_EQ(p.counters().eno_stripped, 1u);
  // A new SYN on the same 4-tuple (a new connection) is tracked again.
  one(p, flow.syn(), Direction::AtoB);
  EXPECT_FALSE(has_eno(one(p, flow.ack(), Direction::AtoB)));
  EXPECT_EQ(p.counters().eno_stripped, 2u);
}

TEST_P(PolicyFamily, AlterSynEnoTouchesOnlyTheSyn) {
  TamperConfig cfg;
  cfg.alter_syn_eno = true;
  TamperPolicy p(cfg);
  const Flow flow{GetParam()};
  const Frame syn = one(p, flow.syn(), Direction::AtoB);
  EXPECT_NE(syn, flow.syn());
  EXPECT_TRUE(receive(syn));
  EXPECT_EQ(one(p, flow.syn_ack(), Direction::BtoA), flow.syn_ack());
  EXPECT_EQ(p.counters().eno_altered, 1u);
  EXPECT_EQ(p.counters().alter_skipped, 0u);
}

TEST_P(PolicyFamily, PayloadRewritesHitTheNthSegmentOnceInTheTamperDirection) {
  TamperConfig cfg;
  cfg.flip_payload_bit = 2;
  cfg.flip_fin = 1;
  cfg.inject_urg = 3;
  cfg.tamper_dir = Direction::BtoA;
  TamperPolicy p(cfg);
  const Flow flow{GetParam()};
  EXPECT_EQ(one(p, flow.syn_ack(), Direction::BtoA), flow.syn_ack());  // no payload: not counted
  EXPECT_EQ(one(p, flow.data_a(1), Direction::AtoB), flow.data_a(1));  // other direction
  const Frame frames[] = {one(p, flow.data_b(1), Direction::BtoA), one(p, flow.data_b(5), Direction::BtoA),
                          one(p, flow.data_b(9), Direction::BtoA)};
  const auto first = receive(frames[0]), second = receive(frames[1]), third = receive(frames[2]);
  ASSERT_TRUE(first && second && third);
  EXPECT_TRUE(first->has(proto::tcp::kFin));
  EXPECT_EQ(Bytes(first->payload.begin(), first->payload.end()), (Bytes{5, 6, 7, 8}));
  EXPECT_EQ(Bytes(second->payload.begin(), second->payload.end()), (Bytes{5, 6, 6, 8}));
  EXPECT_FALSE(second->has(proto::tcp::kFin));
  EXPECT_TRUE(third->has(proto::tcp::kUrg));
  EXPECT_EQ(third->urgent, TamperPolicy::kInjectedUrgentPointer);
  // A retransmission of the flipped segment, and later segments, pass unchanged.
  EXPECT_EQ(one(p, flow.data_b(5), Direction::BtoA), flow.data_b(5));
  EXPECT_EQ(one(p, flow.data_b(13), Direction::BtoA), flow.data_b(13));
  const TamperCounters& c = p.counters();
  EXPECT_EQ(c.bit_flipped, 1u);
  EXPECT_EQ(c.fin_flipped, 1u);
  EXPECT_EQ(c.urg_injected, 1u);
}

TEST_P(PolicyFamily, ResegmentSplitsPayloadSegmentsInTheTamperDirectionOnly) {
  TamperConfig cfg;
  cfg.resegment = true;
  TamperPolicy p(cfg);
  const Flow flow{GetParam()};
  std::vector<Frame> out;
  p.process(flow.data_a(100), Direction::AtoB, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(receive(out[0])->seq.v, 100u);
  EXPECT_EQ(receive(out[1])->seq.v, 102u);
  out.clear();
  p.process(flow.data_b(100), Direction::BtoA, out);
  EXPECT_EQ(out.size(), 1u);
  out.clear();
  p.process(flow.syn(), Direction::AtoB, out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(p.counters().resegmented, 1u);
}

TEST(Policy, NonTcpFramesPassUnchanged) {
  TamperConfig cfg;
  cfg.strip_eno = EnoStrip::All;
  cfg.resegment = true;
  cfg.flip_payload_bit = 1;
  TamperPolicy p(cfg);
  Frame arp(42, 0xff);
  arp[12] = 0x08;  // ARP
  arp[13] = 0x06;
  EXPECT_EQ(one(p, arp, Direction::AtoB), arp);
  EXPECT_EQ(one(p, Frame{}, Direction::AtoB), Frame{});
}

}  // namespace
}  // namespace impair
