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

// The ISN secret and 4-tuple each host uses, so that a test can aim the ISNs.
ByteView host_secret(bool a);
proto::tcp::FourTuple host_tuple(bool a, bool ipv6);

class Pair {
 public:
  Pair(const PairOptions& opt, uint64_t seed);

  // One step: flush both hosts, jump to the next event, deliver and fire timers.
  // Returns false once nothing is scheduled anywhere (both idle).
  bool step();
  // Steps until idle or until `until` (virtual time) passes; true if it went idle.
  bool drive(Instant until);
  bool drive_for(Duration d) { return drive(now_ + d); }
  // Steps until virtual time reaches t (or everything is idle).
  void run_until(Instant t);
  // Steps until done() holds (checked between steps) or `limit` of virtual time passes;
  // returns done().
  bool run_until(const std::function<bool()>& done, Duration limit);

  Host& a() { return a_; }
  Host& b() { return b_; }
  Link& ab() { return ab_; }
  Link& ba() { return ba_; }
  Instant now() const { return now_; }
  // Flushes both hosts now (e.g. after an app command in a test).
  void flush();
  // Every segment either host sent (as sent, before the links' impairments), recorded
  // only when the environment variable SIM_PCAP names a directory.
  const std::vector<CapturedSegment>& capture() const { return capture_; }
  // Writes capture() to $SIM_PCAP/<name>.pcap; no-op when SIM_PCAP is unset.
  void save_capture(const std::string& name) const;

 private:
  void flush_host(Host& h, Link& out);
  void deliver(Link& in, Host& h, const Host& from);

  Instant now_;
  Host a_, b_;
  Link ab_, ba_;
  Bytes buf_;
  bool capturing_ = false;
  std::vector<CapturedSegment> capture_;
};

// Deterministic pseudo-random payload.
Bytes pattern(size_t n, uint64_t seed);

}  // namespace sim
