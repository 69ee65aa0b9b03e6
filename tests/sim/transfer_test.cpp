// Bulk transfers both ways under seeded impairments: the delivered byte streams must
// equal what was sent, and the half-closes must complete.
#include <gtest/gtest.h>

#include "tests/sim/pair.h"

namespace sim {
namespace {

using proto::tcp::CloseReason;
using proto::tcp::State;
using namespace std::chrono_literals;


// Both sides send `n` bytes and close; checks exact streams and a clean close.
::testing::AssertionResult exchange(const PairOptions& opt, uint64_t seed, size_t n_ab,
                                    size_t n_ba, Duration limit = 600s) {
  Pair p(opt, seed);
  p.a().to_send = pattern(n_ab, seed * 7 + 1);
  p.b().to_send = pattern(n_ba, seed * 7 + 2);
  p.a().close_when_done = p.b().close_when_done = true;
  bool idle = p.drive_for(limit);
  auto fail = [&](const char* what) {
    return ::testing::AssertionFailure()
           << what << " seed=" << seed << " a=" << state_name(p.a().conn.state())
           << " b=" << state_name(p.b().conn.state()) << " a_rcv=" << p.a().received.size()
           << "/" << n_ba << " b_rcv=" << p.b().received.size() << "/" << n_ab
           << " t=" << (p.now().us / 1000) << "ms";
  };
  if (!idle) return fail("did not finish");
  if (p.b().received != p.a().to_send) return fail("A->B stream differs");
  if (p.a().received != p.b().to_send) return fail("B->A stream differs");
  if (p.a().closed_reason() != CloseReason::Normal) return fail("A not closed normally");
  if (p.b().closed_reason() != CloseReason::Normal) return fail("B not closed normally");
  if (!p.a().saw(Event::Kind::PeerFin) || !p.b().saw(Event::Kind::PeerFin))
    return fail("missing PeerFin");
  if (p.a().bad_checksums != p.ba().stats().corrupted ||
      p.b().bad_checksums != p.ab().stats().corrupted)
    return fail("a corrupted segment passed the checksum");
  return ::testing::AssertionSuccess();
}

TEST(SimTransfer, CleanLinkBothWays) {
  PairOptions opt;
  EXPECT_TRUE(exchange(opt, 1, 300'000, 200'000));
}

}  // namespace
}  // namespace sim

namespace sim {
namespace {

PairOptions lossy(uint32_t loss_ppm) {
  PairOptions opt;
  for (LinkParams* l : {&opt.ab, &opt.ba}) {
    l->loss_ppm = loss_ppm;
    l->reorder_ppm = 50'000;
    l->duplicate_ppm = 10'000;
    l->corrupt_ppm = 10'000;
    l->delay = 20ms;
    l->jitter = 15ms;
    l->rate_bytes_per_s = 2'000'000;
  }
  return opt;
}

TEST(SimTransfer, ExactStreamsUnderLossReorderDuplicationCorruption) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    PairOptions opt = lossy(20'000 + 10'000 * (seed % 4));
    ASSERT_TRUE(exchange(opt, seed, 200'000, 50'000));
  }
}

}  // namespace
}  // namespace sim
