#include "proto/ip/packet.h"

namespace proto::ip {

namespace detail {
// Defined in ipv4.cpp / ipv6.cpp; `out` is known to be long enough.
Result<size_t> emit_ipv4_header(MutByteView out, const IpAddress& src, const IpAddress& dst,
                                size_t tcp_len, uint8_t ttl, uint16_t ident);
Result<size_t> emit_ipv6_header(MutByteView out, const IpAddress& src, const IpAddress& dst,
                                size_t tcp_len, uint8_t hop_limit);
}  // namespace detail

Result<IpPacket> parse(ByteView packet) {
  if (packet.empty()) return fail(Errc::Truncated, "empty packet");
  switch (packet[0] >> 4) {
    case 4: return parse_ipv4(packet);
    case 6: return parse_ipv6(packet);
    default: return fail(Errc::BadIpVersion, "IP version neither 4 nor 6");
  }
}

Result<IpPacket> parse_tcp(ByteView packet) {
  auto p = parse(packet);
  if (p && p->protocol != kProtocolTcp) return fail(Errc::NotTcp, "upper-layer protocol is not TCP");
  return p;
}

Result<size_t> emit_tcp_header(MutByteView out, const IpAddress& src, const IpAddress& dst,
                               size_t tcp_len, uint8_t ttl, uint16_t ident) {
  if (src.family() != dst.family()) return fail(Errc::InvalidArgument, "address families differ");
  if (out.size() < header_len(src.family())) return fail(Errc::InvalidArgument, "buffer too short for IP header");
  if (src.is_v4()) return detail::emit_ipv4_header(out, src, dst, tcp_len, ttl, ident);
  return detail::emit_ipv6_header(out, src, dst, tcp_len, ttl);
}

}  // namespace proto::ip
