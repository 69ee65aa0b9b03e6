// FIN and RST semantics end to end: half-close in both orders, simultaneous close,
// abort, TIME-WAIT, zero-window stalls, and a peer that disappears.
#include <gtest/gtest.h>

#include "tests/sim/exchange.h"

namespace sim {
namespace {

using proto::tcp::CloseReason;
using proto::tcp::State;

// A closes right after sending; B keeps sending for 2 s after A's FIN, then closes.
// A's FIN must not stop A from receiving (half-close), and A is the one in TIME-WAIT.
TEST(SimClose, HalfCloseActiveSideKeepsReceiving) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    Pair p(impaired(20'000), seed);
    p.a().to_send = pattern(20'000, seed);
    p.a().close_when_done = true;
    p.b().to_send = pattern(150'000, seed + 1);
    ASSERT_TRUE(p.run_until([&] { return p.b().saw(Event::Kind::PeerFin); }, 60s)) << seed;
    p.run_until(p.now() + 1s);  // B keeps sending after A's FIN
    ASSERT_EQ(p.b().conn.state(), State::CloseWait) << seed;
    p.b().close_when_done = true;
    ASSERT_TRUE(p.drive_for(600s)) << seed;
    EXPECT_EQ(p.b().received, p.a().to_send) << seed;
    EXPECT_EQ(p.a().received, p.b().to_send) << seed;
    EXPECT_TRUE(p.a().went_through(State::FinWait2) || p.a().went_through(State::Closing));
    EXPECT_TRUE(p.a().went_through(State::TimeWait)) << seed;
    EXPECT_TRUE(p.b().went_through(State::LastAck)) << seed;
    EXPECT_FALSE(p.b().went_through(State::TimeWait)) << seed;
    EXPECT_EQ(p.a().closed_reason(), CloseReason::Normal) << seed;
    EXPECT_EQ(p.b().closed_reason(), CloseReason::Normal) << seed;
  }
}

// The passive side (B) closes first without sending; A then sends 200 KB and closes.
TEST(SimClose, HalfClosePassiveSideFirst) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    Pair p(impaired(30'000), seed);
    p.b().close_when_done = true;
    ASSERT_TRUE(p.run_until([&] { return p.a().saw(Event::Kind::PeerFin); }, 60s)) << seed;
    p.a().to_send = pattern(200'000, seed);
    p.a().close_when_done = true;
    ASSERT_TRUE(p.drive_for(600s)) << seed;
    EXPECT_EQ(p.b().received, p.a().to_send) << seed;
    EXPECT_TRUE(p.a().received.empty());
    EXPECT_TRUE(p.b().went_through(State::TimeWait)) << seed;
    EXPECT_TRUE(p.a().went_through(State::CloseWait)) << seed;
    EXPECT_EQ(p.a().closed_reason(), CloseReason::Normal) << seed;
    EXPECT_EQ(p.b().closed_reason(), CloseReason::Normal) << seed;
  }
}

// Both close at the same instant on a symmetric lossless link: the FINs cross, both go
// through CLOSING into TIME-WAIT (RFC 9293 §3.6 case 2).
TEST(SimClose, SimultaneousCloseBothEnterClosing) {
  PairOptions opt;
  opt.ab.jitter = opt.ba.jitter = 0ms;
  Pair p(opt, 1);
  p.run_until(p.now() + 1s);
  ASSERT_EQ(p.a().conn.state(), State::Established);
  ASSERT_EQ(p.b().conn.state(), State::Established);
  p.a().conn.close(p.now());
  p.b().conn.close(p.now());
  Instant closed_at = p.now();
  ASSERT_TRUE(p.drive_for(600s));
  for (Host* h : {&p.a(), &p.b()}) {
    EXPECT_TRUE(h->went_through(State::Closing));
    EXPECT_TRUE(h->went_through(State::TimeWait));
    EXPECT_EQ(h->closed_reason(), CloseReason::Normal);
  }
  // TIME-WAIT lasts 2*MSL (default MSL 60 s).
  EXPECT_GE(p.now() - closed_at, 120s);
}

// RST semantics: A aborts mid-transfer. A ends Closed(Aborted) at once; B ends
// Closed(Reset) (from the RST, or from the RST a closed A answers later segments with);
// B received a prefix of A's stream, nothing more.
TEST(SimReset, AbortMidTransferResetsThePeer) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Pair p(impaired(20'000), seed);
    p.a().to_send = pattern(2'000'000, seed);
    p.b().to_send = pattern(2'000'000, seed + 1);
    ASSERT_TRUE(p.run_until([&] { return p.b().received.size() > 100'000; }, 60s)) << seed;
    p.a().conn.abort(p.now());
    ASSERT_TRUE(p.drive_for(600s)) << seed;
    EXPECT_EQ(p.a().closed_reason(), CloseReason::Aborted) << seed;
    EXPECT_EQ(p.b().closed_reason(), CloseReason::Reset) << seed;
    const Bytes& got = p.b().received;
    ASSERT_LE(got.size(), p.a().to_send.size());
    EXPECT_TRUE(std::equal(got.begin(), got.end(), p.a().to_send.begin())) << seed;
    EXPECT_LT(got.size(), p.a().to_send.size());
    EXPECT_FALSE(p.b().saw(Event::Kind::PeerFin)) << seed;
  }
}

// A receiver that stops reading: the window closes, the sender stalls with bounded
// buffers, zero-window probes keep the connection alive for a minute, and the transfer
// completes exactly once the receiver reads again.
TEST(SimZeroWindow, StallAndRecovery) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    PairOptions opt = impaired(20'000);
    opt.b_cfg.receive_buffer = 32 * 1024;
    opt.a_cfg.send_buffer = 64 * 1024;
    Pair p(opt, seed);
    p.a().to_send = pattern(500'000, seed);
    p.a().close_when_done = true;
    p.b().reading = false;
    p.run_until(p.now() + 60s);
    EXPECT_EQ(p.b().conn.readable(), 32u * 1024) << seed;
    EXPECT_EQ(p.a().conn.unacked(), 64u * 1024) << seed;
    EXPECT_EQ(p.a().queued, 32u * 1024 + 64 * 1024) << seed;
    EXPECT_EQ(p.a().conn.state(), State::Established) << seed;
    p.b().reading = true;
    p.b().close_when_done = true;
    ASSERT_TRUE(p.drive_for(600s)) << seed;
    EXPECT_EQ(p.b().received, p.a().to_send) << seed;
    EXPECT_EQ(p.a().closed_reason(), CloseReason::Normal) << seed;
  }
}

// The peer disappears mid-transfer: retransmissions back off and the connection times
// out (RFC 9293 §3.8.3 R2); the silent side, with keepalive on, times out as well.
TEST(SimTimeout, PeerVanishes) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    PairOptions opt = impaired(10'000);
    opt.a_cfg.data_retries = 6;
    opt.b_cfg.keepalive = true;
    opt.b_cfg.keepalive_idle = 30s;
    opt.b_cfg.keepalive_interval = 5s;
    opt.b_cfg.keepalive_probes = 4;
    Pair p(opt, seed);
    p.a().to_send = pattern(5'000'000, seed);
    ASSERT_TRUE(p.run_until([&] { return p.b().received.size() > 100'000; }, 60s)) << seed;
    p.ab().set_down(true);
    p.ba().set_down(true);
    ASSERT_TRUE(p.drive_for(3600s)) << seed;
    EXPECT_EQ(p.a().closed_reason(), CloseReason::TimedOut) << seed;
    EXPECT_EQ(p.b().closed_reason(), CloseReason::TimedOut) << seed;
  }
}

}  // namespace
}  // namespace sim
