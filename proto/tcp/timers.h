// The connection's timers as deadlines (no clock is read): next() is the earliest armed
// one, expired() tells whether one is due at `now`.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "proto/common/time.h"

namespace proto::tcp {

enum class Timer : uint8_t {
  Retransmit,  // RFC 6298 retransmission timer (also SYN and FIN)
  DelayedAck,  // RFC 9293 §3.8.6.3
  Persist,     // zero-window probe, RFC 9293 §3.8.6.1
  Keepalive,   // RFC 9293 §3.8.4
  TimeWait,    // 2*MSL, RFC 9293 §3.10.7.4
  Count,
};

class TimerTable {
 public:
  void set(Timer t, Instant at) { at_[size_t(t)] = at; }
  void stop(Timer t) { at_[size_t(t)].reset(); }
  bool armed(Timer t) const { return at_[size_t(t)].has_value(); }
  bool expired(Timer t, Instant now) const { return armed(t) && *at_[size_t(t)] <= now; }
  void stop_all() {
    for (auto& a : at_) a.reset();
  }
  std::optional<Instant> next() const {
    std::optional<Instant> best;
    for (const auto& a : at_)
      if (a && (!best || *a < *best)) best = a;
    return best;
  }

 private:
  std::array<std::optional<Instant>, size_t(Timer::Count)> at_{};
};

}  // namespace proto::tcp
