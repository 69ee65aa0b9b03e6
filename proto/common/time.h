// Time as the sans-IO core sees it: an Instant is passed in by the caller (tund reads
// steady_clock once per wake-up; tests advance a virtual clock). Nothing in proto/
// reads a clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace proto {

using Duration = std::chrono::microseconds;

struct Instant {
  int64_t us = 0;  // microseconds since an arbitrary epoch chosen by the caller

  friend Instant operator+(Instant t, Duration d) { return Instant{t.us + d.count()}; }
  friend Instant operator-(Instant t, Duration d) { return Instant{t.us - d.count()}; }
  friend Duration operator-(Instant a, Instant b) { return Duration{a.us - b.us}; }
  friend auto operator<=>(Instant, Instant) = default;
};

}  // namespace proto
