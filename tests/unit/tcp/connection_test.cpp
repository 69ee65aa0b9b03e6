// State-machine cases driven segment by segment (RFC 9293, RFC 5961, RFC 7323).
#include "proto/tcp/connection.h"

#include <gtest/gtest.h>

#include "proto/tcp/isn.h"
#include "tests/unit/tcp/harness.h"

namespace proto::tcp::test {
namespace {

constexpr uint32_t P = Harness::kPeerIss;

bool is_pure_ack(const Sent& s, uint32_t seq, uint32_t ack) {
  return s.seg.flags == 0 && s.seg.payload.empty() && s.seg.seq == SeqNum{seq} &&
         s.seg.ack == SeqNum{ack};
}

TEST(ConnectionHandshake, PassiveOpenNegotiatesOptions) {
  Harness h;
  h.listen();
  EXPECT_EQ(h.conn().state(), State::Listen);
  SegmentRepr syn = h.peer(P, std::nullopt, kSyn, 65535);
  syn.opts.mss = 1400;
  syn.opts.window_scale = 7;
  syn.opts.sack_permitted = true;
  syn.opts.timestamps = Timestamps{500, 0};
  h.feed(syn);
  EXPECT_EQ(h.conn().state(), State::SynReceived);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  const SegmentRepr& sa = out[0].seg;
  EXPECT_EQ(sa.flags, kSyn);
  EXPECT_EQ(sa.ack, SeqNum{P + 1});
  EXPECT_EQ(sa.opts.mss, 1460);
  EXPECT_EQ(sa.opts.window_scale, 3);  // 256 KiB buffer needs shift 3
  EXPECT_TRUE(sa.opts.sack_permitted);
  EXPECT_EQ(sa.opts.timestamps->ecr, 500u);
  EXPECT_EQ(sa.window, 65535);  // SYN windows are never scaled (RFC 7323 §2.2)
  h.feed(h.peer(P + 1, sa.seq.v + 1));
  EXPECT_EQ(h.conn().state(), State::Established);
  EXPECT_EQ(h.events(), (std::vector<Event>{{Event::Kind::Connected}}));
  EXPECT_EQ(h.conn().send_mss(), 1400u - 12u);  // peer MSS minus timestamps
  EXPECT_TRUE(h.conn().sack_enabled());
}

TEST(ConnectionHandshake, PeerWithoutWindowScalingDisablesOurs) {
  Harness h;
  h.listen();
  SegmentRepr syn = h.peer(P, std::nullopt, kSyn, 65535);
  syn.opts = {};
  h.feed(syn);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].seg.opts.window_scale);
  EXPECT_FALSE(out[0].seg.opts.timestamps);
  EXPECT_FALSE(out[0].seg.opts.sack_permitted);
  EXPECT_EQ(h.conn().receive_window_scale(), 0);
  EXPECT_EQ(h.conn().send_mss(), 536u);  // RFC 9293 §3.7.1 default for IPv4
}

TEST(ConnectionWindowScaling, PeerWindowIsShiftedAndOursIsAdvertisedScaled) {
  Harness h;
  uint32_t iss = h.establish_passive(/*peer_wscale=*/7);
  // Peer window field 1 << 7 = 128 bytes: only 128 bytes may go out.
  h.feed(h.peer(P + 1, iss + 1, 0, 1));
  Bytes data(5000, 'x');
  EXPECT_EQ(h.conn().on_app_data(data, h.now), 5000u);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.payload.size(), 128u);
  // Our window: 256 KiB free, shift 3.
  EXPECT_EQ(out[0].seg.window, (256 * 1024) >> 3);
}

TEST(ConnectionWindowScaling, WithoutScalingTheWindowFieldIsBytes) {
  Harness h;
  h.listen();
  SegmentRepr syn = h.peer(P, std::nullopt, kSyn, 65535);
  syn.opts = {};
  h.feed(syn);
  uint32_t iss = h.drain().at(0).seg.seq.v;
  SegmentRepr ack = h.peer(P + 1, iss + 1, 0, 100);
  ack.opts = {};
  h.feed(ack);
  ASSERT_EQ(h.conn().state(), State::Established);
  Bytes data(5000, 'x');
  h.conn().on_app_data(data, h.now);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.payload.size(), 100u);
  EXPECT_EQ(out[0].seg.window, 65535);  // capped at 64 KiB - 1 without scaling
}

// RFC 5961 §3.2: RST exactly at RCV.NXT resets; other in-window RSTs get a challenge ACK;
// out-of-window RSTs are dropped silently.
TEST(ConnectionRfc5961, RstInWindowButNotExactGetsChallengeAck) {
  Harness h;
  uint32_t iss = h.establish_passive();
  h.feed(h.peer(P + 1 + 100, std::nullopt, kRst));
  EXPECT_EQ(h.conn().state(), State::Established);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(is_pure_ack(out[0], iss + 1, P + 1));
  h.feed(h.peer(P + 1 + 10'000'000, std::nullopt, kRst));  // far outside
  EXPECT_TRUE(h.drain().empty());
  EXPECT_EQ(h.conn().state(), State::Established);
  h.feed(h.peer(P + 1, std::nullopt, kRst));
  EXPECT_EQ(h.conn().state(), State::Closed);
  EXPECT_EQ(h.events(), (std::vector<Event>{{Event::Kind::Closed, CloseReason::Reset}}));
}

// RFC 5961 §4.2: any SYN in a synchronized state gets a challenge ACK, never a reset.
TEST(ConnectionRfc5961, SynInEstablishedGetsChallengeAck) {
  Harness h;
  uint32_t iss = h.establish_passive();
  for (uint32_t seq : {P + 1, P + 50, P + 5'000'000}) {
    h.feed(h.peer(seq, std::nullopt, kSyn));
    auto out = h.drain();
    ASSERT_EQ(out.size(), 1u) << seq;
    EXPECT_TRUE(is_pure_ack(out[0], iss + 1, P + 1));
    EXPECT_EQ(h.conn().state(), State::Established);
  }
}

// RFC 5961 §5.2: ACK older than SND.UNA - MAX.SND.WND: challenge ACK; beyond SND.NXT:
// ACK and drop. Neither moves SND.UNA or delivers data.
TEST(ConnectionRfc5961, AckOutsideAcceptableRangeIsDropped) {
  Harness h;
  uint32_t iss = h.establish_passive();
  Bytes data(100, 'd');
  SegmentRepr bad = h.peer(P + 1, iss + 1 + 5000, 0);  // acks data never sent
  bad.payload = data;
  h.feed(bad);
  EXPECT_EQ(h.conn().readable(), 0u);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(is_pure_ack(out[0], iss + 1, P + 1));
  SegmentRepr old = h.peer(P + 1, iss + 1 - 2'000'000, 0);  // far behind SND.UNA
  old.payload = data;
  h.feed(old);
  EXPECT_EQ(h.conn().readable(), 0u);
  EXPECT_EQ(h.drain().size(), 1u);
  EXPECT_EQ(h.conn().stats().drops[size_t(Drop::BadAck)], 1u);
  EXPECT_EQ(h.conn().stats().drops[size_t(Drop::ChallengeAck)], 1u);
}

// RFC 5961 §7: challenge ACKs are rate limited.
TEST(ConnectionRfc5961, ChallengeAcksAreRateLimited) {
  Config cfg;
  cfg.challenge_acks_per_second = 3;
  Harness h(cfg);
  h.establish_passive();
  size_t acks = 0;
  for (int i = 0; i < 10; ++i) {
    h.feed(h.peer(P + 1 + 100 + i, std::nullopt, kRst));
    acks += h.drain().size();
  }
  EXPECT_EQ(acks, 3u);
  h.advance(1s);
  h.feed(h.peer(P + 200, std::nullopt, kRst));
  EXPECT_EQ(h.drain().size(), 1u);
}

// RFC 7323 §5.3 (PAWS): an older TSval makes a segment unacceptable; it is answered with
// an ACK and its data is not delivered.
TEST(ConnectionPaws, OldTimestampIsRejected) {
  Harness h;
  uint32_t iss = h.establish_passive();
  Bytes data(10, 'a');
  h.peer_ts = Harness::kPeerTs + 10;
  SegmentRepr fresh = h.peer(P + 1, iss + 1);
  fresh.payload = data;
  h.feed(fresh);
  EXPECT_EQ(h.conn().readable(), 10u);
  h.drain();
  h.peer_ts = Harness::kPeerTs + 5;  // older than TS.Recent
  SegmentRepr stale = h.peer(P + 11, iss + 1);
  stale.payload = data;
  h.feed(stale);
  EXPECT_EQ(h.conn().readable(), 10u);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(is_pure_ack(out[0], iss + 1, P + 11));
  EXPECT_EQ(out[0].seg.opts.timestamps->ecr, Harness::kPeerTs + 10);
  EXPECT_EQ(h.conn().stats().drops[size_t(Drop::Paws)], 1u);
}

// RFC 7323 §3.2: once negotiated, a non-RST segment without timestamps is dropped.
TEST(ConnectionPaws, SegmentWithoutTimestampIsDropped) {
  Harness h;
  uint32_t iss = h.establish_passive();
  Bytes data(10, 'a');
  SegmentRepr s = h.peer(P + 1, iss + 1);
  s.opts.timestamps.reset();
  s.payload = data;
  h.feed(s);
  EXPECT_EQ(h.conn().readable(), 0u);
  EXPECT_TRUE(h.drain().empty());
  EXPECT_EQ(h.conn().stats().drops[size_t(Drop::NoTimestamp)], 1u);
}

// RFC 9293 §3.10.7.2: in LISTEN an ACK gets <SEQ=SEG.ACK><CTL=RST>; a RST is ignored.
TEST(ConnectionResets, ListenAnswersAckWithReset) {
  Harness h;
  h.listen();
  h.feed(h.peer(P, 777));
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.flags, kRst);
  EXPECT_EQ(out[0].seg.seq, SeqNum{777});
  h.feed(h.peer(P, std::nullopt, kRst));
  EXPECT_TRUE(h.drain().empty());
  EXPECT_EQ(h.conn().state(), State::Listen);
}

// RFC 9293 §3.10.7.3: SYN-SENT with an unacceptable ACK sends RST; a RST acknowledging
// our SYN refuses the connection; a RST without ACK is ignored.
TEST(ConnectionResets, SynSentRules) {
  Harness h;
  h.connect();
  auto syn = h.drain();
  ASSERT_EQ(syn.size(), 1u);
  uint32_t iss = syn[0].seg.seq.v;
  EXPECT_EQ(syn[0].seg.flags, kSyn);
  EXPECT_FALSE(syn[0].seg.ack);
  h.feed(h.peer(P, iss + 5, kSyn));  // ACK beyond SND.NXT
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.flags, kRst);
  EXPECT_EQ(out[0].seg.seq, SeqNum{iss + 5});
  EXPECT_EQ(h.conn().state(), State::SynSent);
  h.feed(h.peer(0, std::nullopt, kRst));
  EXPECT_EQ(h.conn().state(), State::SynSent);
  h.feed(h.peer(0, iss + 1, kRst));
  EXPECT_EQ(h.conn().state(), State::Closed);
  EXPECT_EQ(h.events(), (std::vector<Event>{{Event::Kind::Closed, CloseReason::Refused}}));
  EXPECT_EQ(close_reason_errno(CloseReason::Refused), ECONNREFUSED);
}

// RFC 9293 §3.10.7.1: a closed connection answers segments with RST, never a RST.
TEST(ConnectionResets, ClosedAnswersWithReset) {
  Harness h;
  uint32_t iss = h.establish_passive();
  h.conn().abort(h.now);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.flags, kRst);
  EXPECT_EQ(out[0].seg.seq, SeqNum{iss + 1});
  EXPECT_EQ(h.events(), (std::vector<Event>{{Event::Kind::Closed, CloseReason::Aborted}}));
  h.feed(h.peer(P + 1, iss + 1));
  out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.flags, kRst);
  h.feed(h.peer(P + 1, iss + 1, kRst));
  EXPECT_TRUE(h.drain().empty());
}

TEST(ConnectionDelayedAck, OneSegmentWaitsTwoSegmentsAckAtOnce) {
  Harness h;
  uint32_t iss = h.establish_passive();
  Bytes data(1000, 'a');
  SegmentRepr s = h.peer(P + 1, iss + 1);
  s.payload = data;
  h.feed(s);
  EXPECT_TRUE(h.drain().empty());
  ASSERT_TRUE(h.conn().next_timeout());
  EXPECT_EQ(*h.conn().next_timeout(), h.now + 40ms);
  h.advance(40ms);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.ack, SeqNum{P + 1001});
  s.seq = SeqNum{P + 1001};
  h.feed(s);
  s.seq = SeqNum{P + 2001};
  h.feed(s);
  out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.ack, SeqNum{P + 3001});
}

TEST(ConnectionDelayedAck, OutOfOrderDataIsAckedAtOnceWithSack) {
  Harness h;
  uint32_t iss = h.establish_passive();
  Bytes data(100, 'a');
  SegmentRepr s = h.peer(P + 1 + 500, iss + 1);
  s.payload = data;
  h.feed(s);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.ack, SeqNum{P + 1});
  ASSERT_EQ(out[0].seg.opts.sack_count, 1);
  EXPECT_EQ(out[0].seg.opts.sack[0], (SackBlock{SeqNum{P + 501}, SeqNum{P + 601}}));
}

TEST(ConnectionNagle, SmallSegmentWaitsForAckUnlessNodelay) {
  for (bool nodelay : {false, true}) {
    Config cfg;
    cfg.nodelay = nodelay;
    Harness h(cfg);
    uint32_t iss = h.establish_passive();
    Bytes small(10, 's');
    h.conn().on_app_data(small, h.now);
    ASSERT_EQ(h.drain().size(), 1u);
    h.conn().on_app_data(small, h.now);
    EXPECT_EQ(h.drain().size(), nodelay ? 1u : 0u) << nodelay;
    h.feed(h.peer(P + 1, iss + 11));
    EXPECT_EQ(h.drain().size(), nodelay ? 0u : 1u) << nodelay;
  }
}

TEST(ConnectionNagle, PushBoundaryOverridesNagle) {
  Harness h;
  uint32_t iss = h.establish_passive();
  Bytes small(10, 's');
  h.conn().on_app_data(small, h.now);
  ASSERT_EQ(h.drain().size(), 1u);
  h.conn().on_app_data(small, h.now);
  h.conn().push();
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.seq, SeqNum{iss + 11});
  EXPECT_TRUE(out[0].seg.has(kPsh));
}

// RFC 9293 §3.8.6.1: a zero window is probed, with backoff, and never times out.
TEST(ConnectionZeroWindow, ProbesUntilTheWindowOpens) {
  Harness h;
  uint32_t iss = h.establish_passive();
  h.feed(h.peer(P + 1, iss + 1, 0, 0));
  Bytes data(3000, 'z');
  h.conn().on_app_data(data, h.now);
  EXPECT_TRUE(h.drain().empty());
  int probes = 0;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(h.conn().next_timeout());
    h.now = *h.conn().next_timeout();
    h.conn().on_timer(h.now);
    for (auto& s : h.drain()) {
      EXPECT_EQ(s.seg.seq, SeqNum{iss});  // SND.UNA - 1: out of window, elicits an ACK
      EXPECT_TRUE(s.seg.payload.empty());
      ++probes;
    }
    h.feed(h.peer(P + 1, iss + 1, 0, 0));
  }
  EXPECT_EQ(probes, 30);
  EXPECT_EQ(h.conn().state(), State::Established);
  h.feed(h.peer(P + 1, iss + 1, 0, 100));  // window opens: 100 << 7 bytes
  auto out = h.drain();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].seg.seq, SeqNum{iss + 1});
  EXPECT_GT(out[0].seg.payload.size(), 0u);
}

TEST(ConnectionKeepalive, ProbesThenTimesOut) {
  Config cfg;
  cfg.keepalive = true;
  cfg.keepalive_idle = 10s;
  cfg.keepalive_interval = 1s;
  cfg.keepalive_probes = 3;
  Harness h(cfg);
  uint32_t iss = h.establish_passive();
  h.advance(10s);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.seq, SeqNum{iss});
  // An answer re-arms the idle timer.
  h.feed(h.peer(P + 1, iss + 1));
  h.advance(9s);
  EXPECT_TRUE(h.drain().empty());
  for (int probe = 0; probe < 3; ++probe) {
    h.advance(1s);
    EXPECT_EQ(h.drain().size(), 1u) << probe;
  }
  EXPECT_EQ(h.conn().state(), State::Established);
  h.advance(1s);
  EXPECT_EQ(h.conn().state(), State::Closed);
  EXPECT_EQ(h.events(), (std::vector<Event>{{Event::Kind::Closed, CloseReason::TimedOut}}));
}

// RFC 9293 §3.10.4 / §3.10.7.4: active close through FIN-WAIT-1/2 into TIME-WAIT, which
// acknowledges a repeated FIN and ends after 2*MSL.
TEST(ConnectionClose, ActiveCloseTimeWait) {
  Config cfg;
  cfg.msl = 10s;
  Harness h(cfg);
  uint32_t iss = h.establish_passive();
  h.conn().close(h.now);
  EXPECT_EQ(h.conn().state(), State::FinWait1);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].seg.has(kFin));
  EXPECT_EQ(h.conn().on_app_data(Bytes(5, 'x'), h.now), 0u);  // no sending after close
  h.feed(h.peer(P + 1, iss + 2));
  EXPECT_EQ(h.conn().state(), State::FinWait2);
  h.feed(h.peer(P + 1, iss + 2, kFin));
  EXPECT_EQ(h.conn().state(), State::TimeWait);
  out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.ack, SeqNum{P + 2});
  h.advance(15s);
  h.feed(h.peer(P + 1, iss + 2, kFin));  // the peer repeats its FIN: ACK, restart 2*MSL
  out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.ack, SeqNum{P + 2});
  h.advance(19s);
  EXPECT_EQ(h.conn().state(), State::TimeWait);
  h.advance(1s);
  EXPECT_EQ(h.conn().state(), State::Closed);
  auto ev = h.events();
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back(), (Event{Event::Kind::Closed, CloseReason::Normal}));
}

TEST(ConnectionClose, SimultaneousCloseGoesThroughClosing) {
  Harness h;
  uint32_t iss = h.establish_passive();
  h.conn().close(h.now);
  h.drain();
  h.feed(h.peer(P + 1, iss + 1, kFin));  // peer's FIN crosses ours
  EXPECT_EQ(h.conn().state(), State::Closing);
  h.feed(h.peer(P + 2, iss + 2));
  EXPECT_EQ(h.conn().state(), State::TimeWait);
}

TEST(ConnectionClose, PassiveCloseThroughLastAck) {
  Harness h;
  uint32_t iss = h.establish_passive();
  h.feed(h.peer(P + 1, iss + 1, kFin));
  EXPECT_EQ(h.conn().state(), State::CloseWait);
  EXPECT_TRUE(h.conn().at_eof());
  EXPECT_EQ(h.conn().on_app_data(Bytes(5, 'x'), h.now), 5u);  // half-close: still sends
  h.conn().close(h.now);
  EXPECT_EQ(h.conn().state(), State::LastAck);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].seg.has(kFin));
  EXPECT_EQ(out[0].seg.payload.size(), 5u);
  h.feed(h.peer(P + 2, iss + 7));
  EXPECT_EQ(h.conn().state(), State::Closed);
}

TEST(ConnectionRto, BacksOffAndTimesOut) {
  Config cfg;
  cfg.data_retries = 3;
  Harness h(cfg);
  uint32_t iss = h.establish_passive();
  h.conn().on_app_data(Bytes(100, 'r'), h.now);
  ASSERT_EQ(h.drain().size(), 1u);
  Duration prev{0};
  for (int i = 0; i < 3; ++i) {
    Instant t = *h.conn().next_timeout();
    Duration wait = t - h.now;
    EXPECT_GT(wait, prev);  // RFC 6298 (5.5) backoff
    prev = wait;
    h.now = t;
    h.conn().on_timer(h.now);
    auto out = h.drain();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].seg.seq, SeqNum{iss + 1});
  }
  h.now = *h.conn().next_timeout();
  h.conn().on_timer(h.now);
  EXPECT_EQ(h.conn().state(), State::Closed);
  EXPECT_EQ(h.events().back(), (Event{Event::Kind::Closed, CloseReason::TimedOut}));
}

TEST(ConnectionBuffers, SendBufferAppliesBackPressureAndSignalsWritable) {
  Config cfg;
  cfg.send_buffer = 4000;
  Harness h(cfg);
  uint32_t iss = h.establish_passive();
  Bytes data(10'000, 'b');
  EXPECT_EQ(h.conn().on_app_data(data, h.now), 4000u);
  EXPECT_EQ(h.conn().on_app_data(data, h.now), 0u);
  h.drain();
  h.feed(h.peer(P + 1, iss + 1 + 1000));
  EXPECT_EQ(h.events(), (std::vector<Event>{{Event::Kind::Writable}}));
  EXPECT_EQ(h.conn().send_space(), 1000u);
}

TEST(ConnectionBuffers, ReceiveWindowShrinksUntilTheAppReads) {
  Config cfg;
  cfg.receive_buffer = 8192;
  Harness h(cfg);
  uint32_t iss = h.establish_passive();
  Bytes data(1024, 'w');
  uint32_t seq = P + 1;
  for (int i = 0; i < 8; ++i, seq += 1024) {
    SegmentRepr s = h.peer(seq, iss + 1);
    s.payload = data;
    h.feed(s);
  }
  auto out = h.drain();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back().seg.window, 0);  // buffer full: zero window
  SegmentRepr extra = h.peer(seq, iss + 1);  // beyond the window: dropped, ACKed
  extra.payload = data;
  h.feed(extra);
  EXPECT_EQ(h.conn().readable(), 8192u);
  Bytes sink(8192);
  EXPECT_EQ(h.conn().poll_read(sink, h.now), 8192u);
  out = h.drain();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back().seg.window, 8192);  // window update after reading
}

TEST(ConnectionIsn, KeyedHashPlusClock) {
  Bytes secret(16, 7);
  FourTuple t{IpAddress::v4({198, 18, 0, 1}), 1, IpAddress::v4({198, 18, 0, 2}), 2};
  FourTuple u = t;
  u.remote_port = 3;
  Instant t0{1'000'000};
  auto a = generate_isn(secret, t, t0);
  auto b = generate_isn(secret, u, t0);
  EXPECT_NE(a.isn, b.isn);
  auto later = generate_isn(secret, t, t0 + 4000us);
  EXPECT_EQ(later.isn - a.isn, 1000u);  // RFC 6528: 4 microsecond clock
  Bytes other(16, 8);
  EXPECT_NE(generate_isn(other, t, t0).isn, a.isn);
}

class RecordingHook : public OptionHook {
 public:
  size_t extra_options(const OutgoingSegment& seg, MutByteView room) override {
    asked.push_back(seg);
    if (!seg.syn || room.size() < 3) return 0;
    room[0] = kOptEno;
    room[1] = 3;
    room[2] = 0x21;
    return 3;
  }
  void on_segment_options(const SegmentRepr& seg) override {
    seen.emplace_back();
    for (auto u : seg.opts.unknown) seen.back().push_back(to_hex(u));
  }
  std::vector<OutgoingSegment> asked;
  std::vector<std::vector<std::string>> seen;
};

TEST(ConnectionOptionHook, AddsOptionsAndSeesUnknownOnes) {
  Harness h;
  RecordingHook hook;
  h.listen();
  h.conn().set_option_hook(&hook);
  SegmentRepr syn = h.peer(P, std::nullopt, kSyn, 65535);
  syn.opts.mss = 1460;
  syn.opts.window_scale = 7;
  syn.opts.sack_permitted = true;
  Bytes eno = *from_hex("450320");
  syn.opts.unknown = {eno};
  h.feed(syn);
  ASSERT_EQ(hook.seen.size(), 1u);
  EXPECT_EQ(hook.seen[0], (std::vector<std::string>{"450320"}));
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].seg.opts.unknown.size(), 1u);
  EXPECT_EQ(to_hex(out[0].seg.opts.unknown[0]), "450321");
  ASSERT_EQ(hook.asked.size(), 1u);
  EXPECT_TRUE(hook.asked[0].syn);
  EXPECT_EQ(hook.asked[0].ack, SeqNum{P + 1});
  h.feed(h.peer(P + 1, out[0].seg.seq.v + 1));
  EXPECT_EQ(hook.seen.size(), 2u);
}

// The hook is asked for every segment, SYN retransmissions included and flagged, and for
// the third ACK (RFC 8547 §4.6: ENO options go in every segment until a non-SYN segment
// has been received; ENO-13, ENO-15 are the ENO layer's to honour with this).
TEST(ConnectionOptionHook, AskedForRetransmittedSynAndThirdAck) {
  Harness h;
  RecordingHook hook;
  h.connect();
  h.conn().set_option_hook(&hook);
  auto syn = h.drain();
  ASSERT_EQ(syn.size(), 1u);
  ASSERT_EQ(syn[0].seg.opts.unknown.size(), 1u);
  h.advance(1s);  // SYN retransmission after the initial RTO
  auto again = h.drain();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(to_hex(again[0].seg.opts.unknown.at(0)), "450321");
  ASSERT_EQ(hook.asked.size(), 2u);
  EXPECT_FALSE(hook.asked[0].retransmission);
  EXPECT_TRUE(hook.asked[1].retransmission);
  uint32_t iss = syn[0].seg.seq.v;
  SegmentRepr synack = h.peer(P, iss + 1, kSyn, 65535);
  synack.opts.timestamps = Timestamps{500, again[0].seg.opts.timestamps->val};
  h.feed(synack);
  EXPECT_EQ(hook.seen.size(), 1u);  // the SYN-ACK's options were shown
  auto ack = h.drain();
  ASSERT_EQ(ack.size(), 1u);
  ASSERT_EQ(hook.asked.size(), 3u);
  EXPECT_FALSE(hook.asked[2].syn);
  EXPECT_EQ(hook.asked[2].ack, SeqNum{P + 1});
}

// RFC 5681 §3.2: the third duplicate ACK retransmits the first unacknowledged segment at
// once, before any timeout; with SACK (RFC 6675) the next lost hole follows. Several
// tuples give ISNs all over the sequence space.
TEST(ConnectionRecovery, FastRetransmitOnThirdDuplicateAck) {
  for (uint16_t port = 1000; port < 1016; ++port) {
    Harness h;
    h.tuple.local_port = port;
    uint32_t iss = h.establish_passive();
    Bytes data(20 * 1448, 'f');
    h.conn().on_app_data(data, h.now);
    auto sent = h.drain();
    ASSERT_EQ(sent.size(), 10u);  // initial window: 10 segments
    // Segments 1 and 3 are lost; the peer SACKs what came after them.
    SegmentRepr dup = h.peer(P + 1, iss + 1);
    dup.opts.sack_count = 1;
    for (uint32_t k = 1; k <= 3; ++k) {
      dup.opts.sack[0] = SackBlock{SeqNum{iss + 1 + 1448}, SeqNum{iss + 1 + 1448 * (k + 1)}};
      if (k == 3) dup.opts.sack_count = 2;
      dup.opts.sack[1] = SackBlock{SeqNum{iss + 1 + 1448 * 3}, SeqNum{iss + 1 + 1448 * 8}};
      h.feed(dup);
    }
    auto out = h.drain();
    ASSERT_FALSE(out.empty()) << port;
    EXPECT_EQ(out[0].seg.seq, SeqNum{iss + 1}) << port;
    EXPECT_EQ(h.conn().stats().fast_retransmits, 1u) << port;
    EXPECT_EQ(h.conn().stats().rto_expirations, 0u) << port;
  }
}

// RFC 8547 §4.7 (ENO-19) and RFC 9293: data on a SYN is not delivered; only the SYN is
// acknowledged, so the peer sends the data again once the connection is up.
TEST(ConnectionHandshake, SynDataIsNotAcknowledged) {
  Harness h;
  h.listen();
  SegmentRepr syn = h.peer(P, std::nullopt, kSyn, 65535);
  Bytes data(100, 'd');
  syn.payload = data;
  h.feed(syn);
  auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seg.ack, SeqNum{P + 1});
  h.feed(h.peer(P + 1, out[0].seg.seq.v + 1));
  EXPECT_EQ(h.conn().readable(), 0u);
}

}  // namespace
}  // namespace proto::tcp::test
