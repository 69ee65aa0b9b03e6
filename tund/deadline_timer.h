// The daemon's clock and its one timer. LoopClock maps steady_clock to proto::Instant
// (microseconds since the clock was made); the daemon reads it once per wake-up.
// DeadlineTimer keeps one asio steady_timer armed for the earliest deadline the packet
// handler asked for (PacketHandler::next_timeout) and calls on_due(now) when it passes.
//
// Threading: io_context thread only. on_due is not called after arm(nullopt) or after a
// newer arm() replaced the deadline; it is called at most once per arm().
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>

#include "proto/common/time.h"

namespace tund {

class LoopClock {
 public:
  LoopClock() : epoch_(std::chrono::steady_clock::now()) {}
  proto::Instant now() const { return to_instant(std::chrono::steady_clock::now()); }
  proto::Instant to_instant(std::chrono::steady_clock::time_point t) const {
    return proto::Instant{std::chrono::duration_cast<std::chrono::microseconds>(t - epoch_).count()};
  }
  std::chrono::steady_clock::time_point to_time_point(proto::Instant t) const {
    return epoch_ + std::chrono::microseconds(t.us);
  }

 private:
  std::chrono::steady_clock::time_point epoch_;
};

class DeadlineTimer {
 public:
  DeadlineTimer(boost::asio::io_context& io, const LoopClock& clock, std::function<void(proto::Instant)> on_due)
      : timer_(io), clock_(clock), on_due_(std::move(on_due)) {}

  // Replaces the pending deadline; nullopt cancels it. A deadline in the past fires on the
  // next turn of the loop (never from inside arm()).
  void arm(std::optional<proto::Instant> due);

 private:
  boost::asio::steady_timer timer_;
  const LoopClock& clock_;
  std::function<void(proto::Instant)> on_due_;
  uint64_t generation_ = 0;  // a handler whose arm() was replaced must not fire
};

}  // namespace tund
