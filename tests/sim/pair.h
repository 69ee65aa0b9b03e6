// Two TCP stacks in one process over two simulated links, driven in virtual time
// (quinn's tests/util.rs Pair, in spirit). Host A actively opens to host B, which starts
// in LISTEN. Each Host plays a simple application: it queues `to_send` as the send buffer
// allows, optionally closes after the last byte, and reads everything (unless paused).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "proto/tcp/connection.h"
#include "tests/sim/driver.h"
#include "tests/sim/link.h"
#include "tests/sim/pcap.h"

namespace sim {

using proto::tcp::Connection;
using proto::tcp::Event;

struct Host {
  Connection conn;
  proto::tcp::IpAddress addr;
  Bytes to_send;
  size_t queued = 0;           // bytes of to_send handed to the connection
  bool close_when_done = false;
  bool close_called = false;
  bool reading = true;
  Bytes received;
  std::vector<Event> events;
  std::vector<proto::tcp::State> path;  // every state the connection went through, in order
  uint64_t bad_checksums = 0;  // received packets parse_segment() rejected

  bool saw(Event::Kind k) const;
  bool went_through(proto::tcp::State s) const;
  std::optional<proto::tcp::CloseReason> closed_reason() const;
  void app(Instant now);
};

struct PairOptions {
  LinkParams ab, ba;
  proto::tcp::Config a_cfg, b_cfg;
  bool ipv6 = false;
  bool b_listens = true;  // false: B also actively opens (simultaneous open)
  Instant start{1'000'000};  // virtual time at creation (the ISNs depend on it)
};

// Stepping, driving and the links are Driver's (driver.h).
class Pair final : public Driver {
 public:
  Pair(const PairOptions& opt, uint64_t seed);

  Host& a() { return a_; }
  Host& b() { return b_; }
  void flush() override;
  // Every segment either host sent (as sent, before the links' impairments), recorded
  // only when the environment variable SIM_PCAP names a directory.
  const std::vector<CapturedSegment>& capture() const { return capture_; }
  // Writes capture() to $SIM_PCAP/<name>.pcap; no-op when SIM_PCAP is unset.
  void save_capture(const std::string& name) const;

 private:
  std::optional<Instant> next_timeout() const override;
  void deliver_and_fire() override;
  void flush_host(Host& h, Link& out);
  void deliver(Link& in, Host& h, const Host& from);

  Host a_, b_;
  bool capturing_ = false;
  std::vector<CapturedSegment> capture_;
};

// Deterministic pseudo-random payload.
Bytes pattern(size_t n, uint64_t seed);

}  // namespace sim
