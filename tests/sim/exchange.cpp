#include "tests/sim/exchange.h"

namespace sim {

using proto::tcp::CloseReason;
using proto::tcp::State;

::testing::AssertionResult exchange(const PairOptions& opt, uint64_t seed, size_t n_ab,
                                    size_t n_ba, ExchangeResult* result) {
  Pair p(opt, seed);
  p.a().to_send = pattern(n_ab, seed * 7 + 1);
  p.b().to_send = pattern(n_ba, seed * 7 + 2);
  p.a().close_when_done = p.b().close_when_done = true;
  Instant start = p.now();
  std::optional<Instant> delivered;
  bool idle = false;
  for (int steps = 0; steps < 2'000'000 && p.now() < start + 900s; ++steps) {
    if (!delivered && p.a().received.size() == n_ba && p.b().received.size() == n_ab)
      delivered = p.now();
    if (!p.step()) {
      idle = true;
      break;
    }
  }
  auto fail = [&](const char* what) {
    p.save_capture("exchange-seed" + std::to_string(seed));
    return ::testing::AssertionFailure()
           << what << " seed=" << seed << " a=" << state_name(p.a().conn.state())
           << " b=" << state_name(p.b().conn.state()) << " a_rcv=" << p.a().received.size()
           << "/" << n_ba << " b_rcv=" << p.b().received.size() << "/" << n_ab
           << " t=" << ((p.now() - start).count() / 1000) << "ms";
  };
  if (!idle) return fail("did not finish");
  if (p.b().received != p.a().to_send) return fail("A->B stream differs");
  if (p.a().received != p.b().to_send) return fail("B->A stream differs");
  if (p.a().closed_reason() != CloseReason::Normal) return fail("A not closed normally");
  if (p.b().closed_reason() != CloseReason::Normal) return fail("B not closed normally");
  if (!p.a().saw(Event::Kind::PeerFin) || !p.b().saw(Event::Kind::PeerFin))
    return fail("missing PeerFin");
  if (!p.a().went_through(State::TimeWait) && !p.b().went_through(State::TimeWait))
    return fail("nobody went through TIME-WAIT");
  if (p.a().bad_checksums != p.ba().stats().corrupted ||
      p.b().bad_checksums != p.ab().stats().corrupted)
    return fail("a corrupted segment passed the checksum");
  if (result && delivered) result->elapsed = *delivered - start;
  return ::testing::AssertionSuccess();
}

}  // namespace sim
