// tund's raw ICMP and ICMPv6 sockets (packet-path §5.5): errors about tund's own TCP flows
// reach the host kernel, not the TUN, so tund reads copies of them here.
//
// IcmpSockets owns the two non-blocking raw sockets (they need CAP_NET_RAW to open; open
// them before the privilege drop, the fds keep working afterwards). Kernel-side filters
// (ICMP_FILTER, ICMP6_FILTER) pass only destination unreachable and packet too big, so the
// daemon is not woken for echo traffic. decode() and check() are pure: one strips the
// outer IPv4 header and parses (proto/ip/icmp.h), the other decides whether the error is
// about one of our flows. Threading: one event loop owns an IcmpSockets.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/ip/address.h"
#include "proto/ip/icmp.h"
#include "tund/routing/rule.h"
#include "tund/sys_error.h"

namespace tund::icmp {

// Why an ICMP message was not handed to the TCP layer (counted in DaemonStats).
enum class IcmpDrop : uint8_t {
  Malformed,      // parse error other than IcmpIgnored
  Ignored,        // a type/code tund does not act on
  NotOurAddress,  // quoted source is not one of the shared addresses
  NotOurPort,     // quoted source port is neither in the ephemeral range nor a listener
  BadMtu,         // packet too big below the protocol minimum (68 for IPv4, 1280 for IPv6)
  Count,
};
const char* icmp_drop_name(IcmpDrop d);

struct IcmpFilter {
  std::vector<proto::ip::IpAddress> shared_addresses;
  routing::PortRange ephemeral;
  const std::set<uint16_t>* listeners = nullptr;  // e.g. &Routing::listeners(); may be null
};

// nullopt: the error concerns one of our flows and may go to the TCP layer.
std::optional<IcmpDrop> check(const proto::ip::IcmpError& error, const IcmpFilter& filter);

// Parses one datagram as the raw socket of `family` delivers it (IPv4: with the IP header).
proto::Result<proto::ip::IcmpError> decode(proto::ip::Family family, proto::ByteView datagram);

class IcmpSockets {
 public:
  // Opens the sockets for the families asked for. Errors: IcmpSocket (EPERM without
  // CAP_NET_RAW).
  static SysResult<IcmpSockets> open(bool v4, bool v6);
  IcmpSockets(IcmpSockets&& other) noexcept;
  IcmpSockets& operator=(IcmpSockets&&) = delete;
  IcmpSockets(const IcmpSockets&) = delete;
  IcmpSockets& operator=(const IcmpSockets&) = delete;
  ~IcmpSockets();

  // -1 when that family was not opened.
  int fd(proto::ip::Family family) const { return family == proto::ip::Family::V4 ? fd4_ : fd6_; }
  // Reads one datagram into buf; 0 when none is waiting.
  SysResult<size_t> receive(proto::ip::Family family, proto::MutByteView buf);

 private:
  IcmpSockets(int fd4, int fd6) : fd4_(fd4), fd6_(fd6) {}
  int fd4_ = -1;
  int fd6_ = -1;
};

}  // namespace tund::icmp
