// Bulk transfers both ways under seeded impairments: the delivered byte streams must
// equal what was sent, whatever the loss, reordering, duplication and corruption.
#include <gtest/gtest.h>

#include "proto/tcp/isn.h"
#include "tests/sim/exchange.h"

namespace sim {
namespace {

using proto::tcp::CongestionAlgorithm;

TEST(SimTransfer, CleanLinkBothWays) {
  PairOptions opt;
  opt.ab.rate_bytes_per_s = opt.ba.rate_bytes_per_s = 10'000'000;
  ExchangeResult r;
  ASSERT_TRUE(exchange(opt, 1, 1'000'000, 300'000, &r));
  // 1 MB at 10 MB/s with a 20 ms RTT: slow start plus ~0.1 s of transmission.
  EXPECT_LT(r.elapsed, 1s);
}

// 200 seeds, 2-5% loss on top of reordering, duplication and corruption, both ways.
TEST(SimTransfer, ExactStreamsUnderLossReorderDuplicationCorruption) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    PairOptions opt = impaired(20'000 + 10'000 * (seed % 4));
    ASSERT_TRUE(exchange(opt, seed, 256 * 1024, 64 * 1024));
  }
}

TEST(SimTransfer, Ipv6NewRenoWithoutSackOrTimestamps) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    PairOptions opt = impaired(30'000);
    opt.ipv6 = true;
    for (auto* c : {&opt.a_cfg, &opt.b_cfg}) {
      c->mss = 1440;
      c->congestion = CongestionAlgorithm::NewReno;
      c->sack = (seed % 2) == 0;
      c->timestamps = (seed % 3) == 0;
      c->window_scaling = (seed % 5) != 0;
    }
    ASSERT_TRUE(exchange(opt, seed, 150'000, 150'000));
  }
}

// Small buffers on both sides: back-pressure both ways, windows closing and opening.
TEST(SimTransfer, SmallBuffersHeavyLoss) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    PairOptions opt = impaired(50'000);
    for (auto* c : {&opt.a_cfg, &opt.b_cfg}) {
      c->send_buffer = 3000 + 1000 * (seed % 5);
      c->receive_buffer = 2000 + 1500 * (seed % 7);
      c->nodelay = seed % 2;
    }
    ASSERT_TRUE(exchange(opt, seed, 60'000, 60'000));
  }
}

// One direction only, the other side sends nothing but ACKs and its FIN.
TEST(SimTransfer, OneWayLargeTransfer) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    ASSERT_TRUE(exchange(impaired(20'000), seed, 1'000'000, 0));
  }
}

}  // namespace
}  // namespace sim

namespace sim {
namespace {

// RFC 9293 §3.4: sequence numbers wrap modulo 2^32. Start the clock so that one side's
// ISN lies 50 000 bytes before the wrap, then move a few hundred KB through it.
TEST(SimTransfer, SequenceNumbersWrapAround) {
  for (bool aim_a : {true, false}) {
    uint32_t f = proto::tcp::generate_isn(host_secret(aim_a), host_tuple(aim_a, false),
                                          Instant{0}).isn.v;
    uint32_t m = uint32_t(0u - 50'000u) - f;  // RFC 6528 M, in 4 us ticks
    ASSERT_EQ(proto::tcp::generate_isn(host_secret(aim_a), host_tuple(aim_a, false),
                                       Instant{int64_t(m) * 4}).isn.v,
              0u - 50'000u);
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      PairOptions opt = impaired(20'000);
      opt.start = Instant{int64_t(m) * 4};
      ASSERT_TRUE(exchange(opt, seed, 300'000, 300'000)) << aim_a;
    }
  }
}

// Path MTU below the negotiated MSS: the first full-size segments are dropped with an
// ICMP "packet too big", the sender shrinks its segments and resends (RFC 1191/8201).
TEST(SimPmtu, SegmentsShrinkToThePathMtu) {
  for (bool v6 : {false, true}) {
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      PairOptions opt = impaired(20'000);
      opt.ipv6 = v6;
      opt.ab.mtu = opt.ba.mtu = 1280;
      ExchangeResult r;
      ASSERT_TRUE(exchange(opt, seed, 100'000, 100'000, &r)) << v6;
    }
    Pair p([&] {
      PairOptions opt;
      opt.ipv6 = v6;
      opt.ab.mtu = opt.ba.mtu = 1280;
      return opt;
    }(), 1);
    p.a().to_send = pattern(50'000, 1);
    ASSERT_TRUE(p.run_until([&] { return p.b().received.size() == 50'000; }, 60s));
    EXPECT_EQ(p.a().conn.send_mss(), 1280u - (v6 ? 40 : 20) - 20 - 12);
    EXPECT_GT(p.ab().stats().too_big, 0u);
  }
}

}  // namespace
}  // namespace sim
