// RTO estimator (RFC 6298) and congestion controllers (RFC 5681, RFC 9438).
#include <gtest/gtest.h>

#include "proto/tcp/cubic.h"
#include "proto/tcp/new_reno.h"
#include "proto/tcp/rtt.h"

namespace proto::tcp {
namespace {

using namespace std::chrono_literals;

TEST(Rtt, FollowsRfc6298) {
  RttEstimator r{RtoConfig{}};
  EXPECT_EQ(r.rto(), 1s);  // (2.1)
  r.on_sample(100ms);      // (2.2): SRTT = R, RTTVAR = R/2, RTO = R + 4*R/2 = 300 ms
  EXPECT_EQ(*r.srtt(), 100ms);
  EXPECT_EQ(r.rto(), 300ms);
  r.on_sample(100ms);  // RTTVAR = 3/4 * 50 ms; RTO = 100 + 150 = 250 ms
  EXPECT_EQ(r.rto(), 250ms);
  for (int i = 0; i < 50; ++i) r.on_sample(10ms);
  EXPECT_EQ(r.rto(), 200ms);  // lower bound
  r.backoff();
  EXPECT_EQ(r.rto(), 400ms);  // (5.5)
  for (int i = 0; i < 20; ++i) r.backoff();
  EXPECT_EQ(r.rto(), 60s);  // upper bound
  r.on_sample(10ms);
  EXPECT_EQ(r.rto(), 200ms);
}

TEST(Rtt, SynTimeoutFallsBackToThreeSeconds) {
  RttEstimator r{RtoConfig{}};
  r.on_syn_timeout_recovered();  // RFC 6298 §5.7
  EXPECT_EQ(r.rto(), 3s);
}

TEST(NewReno, SlowStartCongestionAvoidanceAndLoss) {
  NewReno cc(1000);
  Instant t{};
  EXPECT_EQ(cc.cwnd(), 10'000u);  // RFC 6928 IW10
  cc.on_ack(1000, 100ms, t);
  EXPECT_EQ(cc.cwnd(), 11'000u);
  cc.on_congestion(20'000, t);
  EXPECT_EQ(cc.ssthresh(), 10'000u);  // FlightSize / 2
  EXPECT_EQ(cc.cwnd(), 10'000u);
  for (int i = 0; i < 10; ++i) cc.on_ack(1000, 100ms, t);
  EXPECT_EQ(cc.cwnd(), 11'000u);  // one MSS per window acknowledged
  cc.on_rto(8000, t);
  EXPECT_EQ(cc.cwnd(), 1000u);
  EXPECT_EQ(cc.ssthresh(), 4000u);
}

TEST(Cubic, ReducesByBetaAndRegrowsTowardsWmax) {
  Cubic cc(1000);
  Instant t{};
  for (int i = 0; i < 90; ++i) cc.on_ack(1000, 100ms, t);
  EXPECT_EQ(cc.cwnd(), 100'000u);
  cc.on_congestion(100'000, t);
  EXPECT_EQ(cc.cwnd(), 70'000u);  // beta_cubic = 0.7
  EXPECT_EQ(cc.ssthresh(), 70'000u);
  // K = cbrt(W_max * (1 - beta) / C) = cbrt(100 * 0.3 / 0.4) ~ 4.2 s; by then the window
  // is back near W_max, and it grows beyond after.
  uint32_t at_k = 0;
  for (int ms = 0; ms <= 8000; ms += 10) {
    t = Instant{int64_t(ms) * 1000};
    cc.on_ack(1000, 100ms, t);
    if (ms == 4200) at_k = cc.cwnd();
  }
  EXPECT_NEAR(double(at_k), 100'000.0, 6'000.0);
  EXPECT_GT(cc.cwnd(), 110'000u);
  cc.on_rto(50'000, t);
  EXPECT_EQ(cc.cwnd(), 1000u);
}

TEST(Cubic, FastConvergenceLowersWmax) {
  Cubic cc(1000);
  Instant t{};
  for (int i = 0; i < 90; ++i) cc.on_ack(1000, 100ms, t);
  cc.on_congestion(100'000, t);  // W_max = 100
  cc.on_congestion(70'000, t);   // below W_max: W_max = 70 * 1.7 / 2 = 59.5
  EXPECT_EQ(cc.cwnd(), 49'000u);
}

}  // namespace
}  // namespace proto::tcp
