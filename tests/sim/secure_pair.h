// Two hosts over two simulated links, each running either a tcpinc::SecureConnection or a
// plain tcp::Connection (no hook), in virtual time: the TCP-ENO + tcpcrypt counterpart of
// pair.h. Every segment each host sends is recorded (before the link's middlebox filter
// and impairments) so that tests can inspect the wire.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/random.h"
#include "proto/tcpinc/secure_connection.h"
#include "tests/sim/driver.h"
#include "tests/sim/link.h"
#include "tests/sim/pair.h"

namespace sim {

using proto::tcpinc::SecureConnection;
using SecureEvent = proto::tcpinc::Event;

// One host's connection behind one interface, whatever its type.
class Stack {
 public:
  virtual ~Stack() = default;
  virtual void on_segment(const proto::tcp::SegmentRepr& seg, Instant now) = 0;
  virtual void on_timer(Instant now) = 0;
  virtual void on_path_mtu(uint32_t mtu, Instant now) = 0;
  virtual size_t on_app_data(ByteView data, Instant now) = 0;
  virtual size_t poll_read(proto::MutByteView out, Instant now) = 0;
  virtual void close(Instant now) = 0;
  virtual std::optional<proto::tcp::Transmit> poll_transmit(Instant now, proto::MutByteView buf) = 0;
  virtual std::optional<Instant> next_timeout() const = 0;
  virtual std::optional<SecureEvent> poll_event() = 0;
  virtual proto::tcp::State state() const = 0;
  virtual const proto::tcp::FourTuple& tuple() const = 0;
  virtual SecureConnection* secure() { return nullptr; }
};

enum class Kind : uint8_t { Secure, Plain };

struct HostSpec {
  Kind kind = Kind::Secure;
  proto::tcpinc::Config cfg;  // cfg.tcp is used for a plain host too
  bool active = true;
  proto::tcpcrypt::SessionCache* cache = nullptr;  // borrowed
};

struct SecurePairOptions {
  LinkParams ab, ba;
  HostSpec a{Kind::Secure, {}, true};
  HostSpec b{Kind::Secure, {}, false};
  bool ipv6 = false;
  Instant start{1'000'000};
};

struct SecureHost {
  std::unique_ptr<Stack> stack;
  proto::tcp::IpAddress addr;
  Bytes to_send;
  size_t queued = 0;
  bool close_when_done = false;
  bool close_called = false;
  Bytes received;
  std::vector<SecureEvent> events;
  std::vector<Bytes> sent;  // every TCP segment this host emitted, in order

  SecureConnection& secure() { return *stack->secure(); }
  bool saw(SecureEvent::Kind k) const;
  std::optional<SecureEvent> closed() const;
  void app(Instant now);
};

// Stepping, driving and the links are Driver's (driver.h).
class SecurePair final : public Driver {
 public:
  SecurePair(const SecurePairOptions& opt, uint64_t seed);

  SecureHost& a() { return a_; }
  SecureHost& b() { return b_; }
  void flush() override;

 private:
  std::optional<Instant> next_timeout() const override;
  void deliver_and_fire() override;
  void flush_host(SecureHost& h, Link& out);
  void deliver(Link& in, SecureHost& h, const SecureHost& from);

  crypto::DeterministicRandom rng_a_, rng_b_;
  SecureHost a_, b_;
};

// Both hosts send (n_ab / n_ba pattern bytes), close when done, run to idle. Checks exact
// streams both ways, PeerFin and Closed(Normal) on both sides.
::testing::AssertionResult secure_exchange(SecurePair& p, uint64_t seed, size_t n_ab, size_t n_ba);

// True if `needle` occurs in the payload of any segment in `segments`.
bool wire_contains(const std::vector<Bytes>& segments, ByteView needle);

}  // namespace sim
