// The virtual-time stepping shared by Pair (pair.h) and SecurePair (secure_pair.h): two
// hosts, A and B, joined by two links (ab: A to B, ba: B to A). A step flushes both hosts,
// jumps to the earliest link delivery or host timer, delivers and fires timers, and flushes
// again. What a host is, and how it flushes and takes segments, is the subclass's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "proto/tcp/address.h"
#include "tests/sim/link.h"

namespace sim {

class Driver {
 public:
  virtual ~Driver() = default;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // One step. Returns false once nothing is scheduled anywhere (both idle).
  bool step();
  // Steps until idle or until `until` (virtual time) passes; true if it went idle.
  bool drive(Instant until);
  bool drive_for(Duration d) { return drive(now_ + d); }
  // Steps until virtual time reaches t (or everything is idle).
  void run_until(Instant t);
  // Steps until done() holds (checked between steps) or `limit` of virtual time passes;
  // returns done().
  bool run_until(const std::function<bool()>& done, Duration limit);

  Link& ab() { return ab_; }
  Link& ba() { return ba_; }
  Instant now() const { return now_; }
  // Flushes both hosts now (e.g. after an app command in a test).
  virtual void flush() = 0;

 protected:
  // Links seeded from `seed`, with the IP header overhead of the hosts' address family.
  Driver(const LinkParams& ab, const LinkParams& ba, bool ipv6, Instant start, uint64_t seed);

  // The earlier of the two hosts' timers.
  virtual std::optional<Instant> next_timeout() const = 0;
  // At now(): hands each host what its incoming link delivers, then fires its timers.
  virtual void deliver_and_fire() = 0;

  Instant now_;
  Link ab_, ba_;
  Bytes buf_;  // one segment, for the hosts' poll_transmit

 private:
  std::optional<Instant> next_wakeup() const;
};

// The ISN secret and 4-tuple each host uses (A: true, B: false), so that a test can aim
// the ISNs.
ByteView host_secret(bool a);
proto::tcp::FourTuple host_tuple(bool a, bool ipv6);

// The earlier of two optional instants.
std::optional<Instant> earliest(std::optional<Instant> x, std::optional<Instant> y);

}  // namespace sim
