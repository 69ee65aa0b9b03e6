// Opening: normal, simultaneous open, refused, SYN timeout.
#include <gtest/gtest.h>

#include "tests/sim/exchange.h"

namespace sim {
namespace {

using proto::tcp::CloseReason;
using proto::tcp::State;

// RFC 9293 §3.5 Figure 8: both sides send SYN; both pass through SYN-RECEIVED.
TEST(SimHandshake, SimultaneousOpen) {
  PairOptions opt;
  opt.b_listens = false;
  opt.ab.jitter = opt.ba.jitter = 0ms;
  Pair p(opt, 1);
  p.run_until(p.now() + 1s);
  for (Host* h : {&p.a(), &p.b()}) {
    EXPECT_EQ(h->conn.state(), State::Established);
    EXPECT_TRUE(h->went_through(State::SynReceived));
    EXPECT_TRUE(h->saw(Event::Kind::Connected));
  }
}

TEST(SimHandshake, SimultaneousOpenUnderLossThenExchange) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    PairOptions opt = impaired(30'000);
    opt.b_listens = false;
    ASSERT_TRUE(exchange(opt, seed, 50'000, 50'000));
  }
}

// No listener: the closed side answers the SYN with RST+ACK; the opener reports Refused.
TEST(SimHandshake, ConnectionRefused) {
  Pair p(PairOptions{}, 1);
  p.b().conn.close(p.now());  // LISTEN -> CLOSED: now answers everything with RST
  ASSERT_EQ(p.b().conn.state(), State::Closed);
  ASSERT_TRUE(p.drive_for(60s));
  EXPECT_EQ(p.a().closed_reason(), CloseReason::Refused);
  EXPECT_FALSE(p.a().saw(Event::Kind::Connected));
}

TEST(SimHandshake, SynTimesOutWhenNobodyAnswers) {
  PairOptions opt;
  opt.a_cfg.syn_retries = 4;
  Pair p(opt, 1);
  p.ab().set_down(true);
  ASSERT_TRUE(p.drive_for(3600s));
  EXPECT_EQ(p.a().closed_reason(), CloseReason::TimedOut);
  // 1 + 2 + 4 + 8 + 16 s of backoff (RFC 6298 (2.1), (5.5)).
  EXPECT_GE(p.now().us, 1'000'000 + 31'000'000);
  EXPECT_EQ(p.b().conn.state(), State::Listen);
}

// SYN and SYN-ACK losses are repaired by retransmission.
TEST(SimHandshake, HandshakeUnderHeavyLoss) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    ASSERT_TRUE(exchange(impaired(200'000), seed, 2'000, 2'000));
  }
}

}  // namespace
}  // namespace sim
