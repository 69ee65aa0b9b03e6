#include "proto/ip/icmp.h"

#include "proto/ip/checksum.h"
#include "proto/ip/packet.h"

namespace proto::ip {

namespace {

constexpr size_t kIcmpHeaderLen = 8;  // type, code, checksum, 4 type-specific bytes
constexpr size_t kQuotedTcpLen = 8;   // ports and sequence number: RFC 792's "64 bits"
constexpr int kMaxExtensionHeaders = 8;

// IPv6 extension headers that may precede TCP in a quoted packet (RFC 8200 §4).
constexpr uint8_t kHopByHop = 0, kRouting = 43, kFragment = 44, kAuth = 51, kDestOptions = 60;

struct Quote {
  IpAddress src, dst;
  ByteView tcp;  // at least kQuotedTcpLen bytes
};

// The quoted datagram is cut short by design (RFC 792: header + 64 bits; RFC 4443 §3: as
// much as fits in 1280 bytes), so its length fields are not checked against what is there.
Result<Quote> parse_quoted_ipv4(ByteView q) {
  if (q.size() < kIpv4HeaderLen) return fail(Errc::Truncated, "quoted IPv4 header");
  if ((q[0] >> 4) != 4) return fail(Errc::BadIpVersion, "quoted packet is not IPv4");
  const size_t ihl = size_t(q[0] & 0x0f) * 4;
  if (ihl < kIpv4HeaderLen) return fail(Errc::BadValue, "quoted IPv4 IHL below 5");
  if (q[9] != kProtocolTcp) return fail(Errc::NotTcp, "quoted packet is not TCP");
  if ((load_be16(q, 6) & 0x1fff) != 0) return fail(Errc::IpFragment, "quoted non-first fragment");
  if (q.size() < ihl + kQuotedTcpLen) return fail(Errc::Truncated, "quoted TCP header");
  return Quote{*IpAddress::from_bytes(q.subspan(12, 4)), *IpAddress::from_bytes(q.subspan(16, 4)), q.subspan(ihl)};
}

Result<Quote> parse_quoted_ipv6(ByteView q) {
  if (q.size() < kIpv6HeaderLen) return fail(Errc::Truncated, "quoted IPv6 header");
  if ((q[0] >> 4) != 6) return fail(Errc::BadIpVersion, "quoted packet is not IPv6");
  uint8_t next = q[6];
  size_t at = kIpv6HeaderLen;
  for (int i = 0; next != kProtocolTcp; ++i) {
    if (i == kMaxExtensionHeaders) return fail(Errc::TooLong, "quoted IPv6 extension chain");
    if (q.size() < at + 8) return fail(Errc::Truncated, "quoted IPv6 extension header");
    size_t len;
    switch (next) {
      case kHopByHop:
      case kRouting:
      case kDestOptions: len = (size_t(q[at + 1]) + 1) * 8; break;
      case kAuth: len = (size_t(q[at + 1]) + 2) * 4; break;
      case kFragment:
        if ((load_be16(q, at + 2) & 0xfff8) != 0) return fail(Errc::IpFragment, "quoted non-first fragment");
        len = 8;
        break;
      default: return fail(Errc::NotTcp, "quoted packet is not TCP");
    }
    next = q[at];
    at += len;
  }
  if (q.size() < at + kQuotedTcpLen) return fail(Errc::Truncated, "quoted TCP header");
  return Quote{*IpAddress::from_bytes(q.subspan(8, 16)), *IpAddress::from_bytes(q.subspan(24, 16)), q.subspan(at)};
}

Result<IcmpError> finish(IcmpErrorKind kind, ByteView message, uint32_t mtu, Result<Quote> (*parse_quote)(ByteView)) {
  auto quote = parse_quote(message.subspan(kIcmpHeaderLen));
  if (!quote) return tl::unexpected(quote.error());
  IcmpError e;
  e.kind = kind;
  e.type = message[0];
  e.code = message[1];
  e.local = Endpoint{quote->src, load_be16(quote->tcp, 0)};
  e.remote = Endpoint{quote->dst, load_be16(quote->tcp, 2)};
  e.seq = load_be32(quote->tcp, 4);
  e.mtu = mtu;
  return e;
}

}  // namespace

const char* icmp_error_kind_name(IcmpErrorKind kind) {
  switch (kind) {
    case IcmpErrorKind::PacketTooBig: return "packet too big";
    case IcmpErrorKind::NetUnreachable: return "network unreachable";
    case IcmpErrorKind::HostUnreachable: return "host unreachable";
    case IcmpErrorKind::ProtocolUnreachable: return "protocol unreachable";
    case IcmpErrorKind::PortUnreachable: return "port unreachable";
    case IcmpErrorKind::AdminProhibited: return "administratively prohibited";
  }
  return "?";
}

Result<IcmpError> parse_icmpv4(ByteView message) {
  if (message.size() < kIcmpHeaderLen) return fail(Errc::Truncated, "ICMP header");
  // RFC 792: the checksum covers the whole ICMP message; a correct one sums to zero.
  if (ones_complement_sum(message) != 0xffff) return fail(Errc::BadIcmpChecksum, "ICMP checksum");
  constexpr uint8_t kDestUnreachable = 3;
  if (message[0] != kDestUnreachable) return fail(Errc::IcmpIgnored, "ICMP type not acted on");
  IcmpErrorKind kind;
  switch (message[1]) {
    case 0: kind = IcmpErrorKind::NetUnreachable; break;
    case 1: kind = IcmpErrorKind::HostUnreachable; break;
    case 2: kind = IcmpErrorKind::ProtocolUnreachable; break;
    case 3: kind = IcmpErrorKind::PortUnreachable; break;
    case 4: kind = IcmpErrorKind::PacketTooBig; break;
    case 9:    // communication with destination network administratively prohibited
    case 10:   // ... host administratively prohibited
    case 13: kind = IcmpErrorKind::AdminProhibited; break;  // RFC 1812 §5.2.7.1
    default: return fail(Errc::IcmpIgnored, "ICMP unreachable code not acted on");
  }
  // RFC 1191 §4: the next-hop MTU is the low-order 16 bits of the second word.
  const uint32_t mtu = kind == IcmpErrorKind::PacketTooBig ? load_be16(message, 6) : 0;
  return finish(kind, message, mtu, parse_quoted_ipv4);
}

Result<IcmpError> parse_icmpv6(ByteView message) {
  if (message.size() < kIcmpHeaderLen) return fail(Errc::Truncated, "ICMPv6 header");
  constexpr uint8_t kDestUnreachable = 1, kPacketTooBig = 2;
  if (message[0] == kPacketTooBig)  // RFC 4443 §3.2: 32-bit MTU
    return finish(IcmpErrorKind::PacketTooBig, message, load_be32(message, 4), parse_quoted_ipv6);
  if (message[0] != kDestUnreachable) return fail(Errc::IcmpIgnored, "ICMPv6 type not acted on");
  IcmpErrorKind kind;
  switch (message[1]) {  // RFC 4443 §3.1
    case 0: kind = IcmpErrorKind::NetUnreachable; break;
    case 3: kind = IcmpErrorKind::HostUnreachable; break;
    case 4: kind = IcmpErrorKind::PortUnreachable; break;
    case 1:   // administratively prohibited
    case 5:   // source address failed ingress/egress policy
    case 6: kind = IcmpErrorKind::AdminProhibited; break;  // reject route to destination
    default: return fail(Errc::IcmpIgnored, "ICMPv6 unreachable code not acted on");
  }
  return finish(kind, message, 0, parse_quoted_ipv6);
}

}  // namespace proto::ip
