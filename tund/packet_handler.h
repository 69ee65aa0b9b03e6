// The seam between the daemon shell (tund/daemon.h) and the connection table.
//
// The daemon owns all I/O and the clock; the connection table owns the TCP connections
// (proto/tcp, sans-IO). Contract, per wake-up of the event loop:
//   1. the daemon reads steady_clock once: `now`;
//   2. it delivers inputs: on_packet() for each TCP packet read from the TUN (batched, at
//      most a budget per wake-up), on_icmp() for each validated ICMP error, on_timer() when
//      the deadline from next_timeout() has passed (early or repeated calls must be no-ops);
//   3. during any of these the handler may call PacketSink::send_packet() any number of times;
//   4. afterwards the daemon calls next_timeout() and re-arms its one timer.
// Inputs that do not come through the daemon (control socket events) must end with
// Daemon::reschedule() so step 4 happens for them too.
//
// Threading: everything runs on the daemon's single io_context thread; no locking.
// Ownership: `packet` and `error` are valid only during the call (they borrow the daemon's
// read buffer); copy what must be kept.
#pragma once

#include <optional>

#include "proto/common/bytes.h"
#include "proto/common/time.h"
#include "proto/ip/icmp.h"
#include "proto/ip/packet.h"

namespace tund {

// Output path to the TUN, implemented by the daemon.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // Writes one complete IP packet (header included, checksums filled in) to the TUN now.
  // Returns false if it was dropped: TUN queue full (EAGAIN, counted as tun_tx_eagain; treat
  // it like loss on a link, retransmission recovers) or another write error (tun_tx_errors).
  virtual bool send_packet(proto::ByteView packet) = 0;
};

class PacketHandler {
 public:
  virtual ~PacketHandler() = default;
  // A TCP packet read from the TUN: IP header parsed (proto::ip::parse_tcp), IPv4 header
  // checksum verified, TCP checksum NOT verified (the TCP codec does it).
  virtual void on_packet(const proto::ip::IpPacket& packet, proto::Instant now) = 0;
  // An ICMP/ICMPv6 error quoting a segment from one of our shared addresses and ports
  // (tund/icmp/icmp_receiver.h check()). The handler still must match the 4-tuple to a
  // connection and check the quoted sequence number (RFC 5927 §4.1) before acting, and
  // treat unreachables as soft errors except in SYN-SENT (RFC 1122 §4.2.3.9).
  virtual void on_icmp(const proto::ip::IcmpError& error, proto::Instant now) = 0;
  // The deadline last returned by next_timeout() has passed (now >= it).
  virtual void on_timer(proto::Instant now) = 0;
  // Earliest instant at which on_timer() must run; nullopt: no timer needed.
  virtual std::optional<proto::Instant> next_timeout() const = 0;
};

}  // namespace tund
