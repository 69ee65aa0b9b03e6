// IP packet codec for the TUN path: parse an IPv4/IPv6 packet down to its transport
// payload, and write the IP header in front of a TCP segment.
//
// Contract (every packet tund reads passes here):
// - parse*() never allocate and never read outside `packet`; the returned IpPacket borrows
//   `packet` (payload points into it) and is valid while that buffer is.
// - Malformed input gives a typed error: Truncated, BadIpVersion, BadValue (impossible
//   length fields), BadIpChecksum (IPv4), IpFragment, NotTcp (parse_tcp only), TooLong
//   (IPv6 extension chain over the walk limit).
// - Bytes after the length the header announces (link padding) are ignored.
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/ip/address.h"

namespace proto::ip {

constexpr uint8_t kProtocolTcp = 6;
constexpr size_t kIpv4HeaderLen = 20;  // what emit writes: no options
constexpr size_t kIpv6HeaderLen = 40;  // what emit writes: no extension headers
// Forwarding lowers it by one in each direction; never send 1 (packet-path §2).
constexpr uint8_t kDefaultTtl = 64;

struct IpPacket {
  IpAddress src;
  IpAddress dst;
  uint8_t protocol = 0;       // IPv4 protocol, or the IPv6 next header after the walk
  uint8_t ttl = 0;            // IPv4 TTL or IPv6 hop limit
  uint8_t traffic_class = 0;  // DSCP << 2 | ECN
  size_t header_len = 0;      // bytes before the payload, options/extensions included
  ByteView payload;           // the transport bytes, trimmed to the announced length
};

Result<IpPacket> parse_ipv4(ByteView packet);
Result<IpPacket> parse_ipv6(ByteView packet);
// Dispatches on the version nibble.
Result<IpPacket> parse(ByteView packet);
// parse() plus: the upper-layer protocol must be TCP, else NotTcp.
Result<IpPacket> parse_tcp(ByteView packet);

// IP header length emit_tcp_header() writes for this family (20 or 40).
constexpr size_t header_len(Family f) { return f == Family::V4 ? kIpv4HeaderLen : kIpv6HeaderLen; }

// Writes the IP header for a TCP segment of `tcp_len` bytes into out[0, header_len(family)):
// IPv4 with total length, TTL, DSCP/ECN 0, DF set, identification `ident` (RFC 6864 §4.1
// allows any value for atomic datagrams), header checksum; IPv6 with payload length, hop
// limit, traffic class and flow label 0. The caller places the segment right after.
// Returns the header length. Errors: InvalidArgument (src/dst families differ, `out` too
// short), TooLong (tcp_len does not fit the length field).
Result<size_t> emit_tcp_header(MutByteView out, const IpAddress& src, const IpAddress& dst,
                               size_t tcp_len, uint8_t ttl = kDefaultTtl, uint16_t ident = 0);

}  // namespace proto::ip
