// Addresses as the TCP layer uses them: proto::ip::IpAddress (4 or 16 bytes, for the
// checksum pseudo-header, RFC 9293 §3.1, RFC 8200 §8.1) and the connection's 4-tuple.
// The IP header itself is built and parsed in proto/ip.
#pragma once

#include <cstdint>

#include "proto/ip/address.h"
#include "proto/ip/packet.h"

namespace proto::tcp {

using ip::IpAddress;

// IP header bytes in front of a TCP segment with no IP options/extension headers.
inline uint32_t ip_header_len(const IpAddress& a) { return uint32_t(ip::header_len(a.family())); }

// One connection's identity, seen from this host.
struct FourTuple {
  IpAddress local_addr;
  uint16_t local_port = 0;
  IpAddress remote_addr;
  uint16_t remote_port = 0;
  friend bool operator==(const FourTuple&, const FourTuple&) = default;
};

}  // namespace proto::tcp
