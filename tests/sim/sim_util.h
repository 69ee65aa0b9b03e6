// Shared link profiles for the simulation tests.
#pragma once

#include "tests/sim/pair.h"

namespace sim {

using namespace std::chrono_literals;

// 2 MB/s bottleneck, 20 ms one-way delay, 5% of packets delayed up to 15 ms more
// (reordering), 1% duplicated, plus `loss_ppm` random loss.
inline LinkParams lossy_link(uint32_t loss_ppm) {
  LinkParams l;
  l.loss_ppm = loss_ppm;
  l.reorder_ppm = 50'000;
  l.duplicate_ppm = 10'000;
  l.delay = 20ms;
  l.jitter = 15ms;
  l.rate_bytes_per_s = 2'000'000;
  return l;
}

// lossy_link() both ways, with 1% of packets corrupted too.
inline PairOptions impaired(uint32_t loss_ppm) {
  PairOptions opt;
  opt.ab = opt.ba = lossy_link(loss_ppm);
  opt.ab.corrupt_ppm = opt.ba.corrupt_ppm = 10'000;
  return opt;
}

}  // namespace sim
