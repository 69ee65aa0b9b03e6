// ICMP and ICMPv6 error messages about TCP flows (packet-path §5.5: they reach the host's
// raw ICMP sockets, not the TUN): "fragmentation needed" (ICMPv4 type 3 code 4, RFC 1191)
// and "packet too big" (ICMPv6 type 2, RFC 8201) for path MTU discovery, and "destination
// unreachable" as soft errors (RFC 1122 §4.2.3.9, RFC 5927 §4.1: the TCP layer acts on them
// only in SYN-SENT and only when the quoted sequence number is one it sent).
//
// Contract: parse_icmpv4/parse_icmpv6 take the ICMP message from its type byte on (for a
// raw IPv4 socket, strip the outer IPv4 header first; a raw ICMPv6 socket delivers the
// message alone). They never allocate, never read outside `message`, and return typed
// errors: Truncated, BadIcmpChecksum (ICMPv4 only; the kernel verifies ICMPv6 checksums for
// raw sockets, RFC 3542 §3.1), IcmpIgnored (a type/code tund does not act on), BadIpVersion,
// NotTcp, IpFragment (a quoted non-first fragment has no TCP header), TooLong (quoted IPv6
// extension chain over the walk limit).
#pragma once

#include <cstdint>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/ip/address.h"

namespace proto::ip {

enum class IcmpErrorKind : uint8_t {
  PacketTooBig,         // v4 3/4 fragmentation needed and DF set; v6 type 2
  NetUnreachable,       // v4 3/0; v6 1/0 no route to destination
  HostUnreachable,      // v4 3/1; v6 1/3 address unreachable
  ProtocolUnreachable,  // v4 3/2
  PortUnreachable,      // v4 3/3; v6 1/4
  AdminProhibited,      // v4 3/9, 3/10, 3/13; v6 1/1, 1/5, 1/6
};

const char* icmp_error_kind_name(IcmpErrorKind kind);

// What an ICMP error says about one of our TCP segments. The quoted segment was sent by us,
// so its source is our (local) end.
struct IcmpError {
  IcmpErrorKind kind = IcmpErrorKind::NetUnreachable;
  uint8_t type = 0;
  uint8_t code = 0;
  Endpoint local;    // quoted source address and port
  Endpoint remote;   // quoted destination address and port
  uint32_t seq = 0;  // quoted TCP sequence number, for the TCP layer's check (RFC 5927 §4.1)
  // PacketTooBig only: the next-hop MTU the router reported. 0 for IPv4 routers that predate
  // RFC 1191 and leave the field zero (RFC 1191 §5); not validated here.
  uint32_t mtu = 0;
};

Result<IcmpError> parse_icmpv4(ByteView message);
Result<IcmpError> parse_icmpv6(ByteView message);

}  // namespace proto::ip
