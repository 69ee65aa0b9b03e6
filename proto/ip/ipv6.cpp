// IPv6 header (RFC 8200 §3) and the extension-header walk (RFC 8200 §4).
#include "proto/ip/packet.h"

namespace proto::ip {

namespace {

constexpr uint8_t kHopByHop = 0;
constexpr uint8_t kRouting = 43;
constexpr uint8_t kFragment = 44;
constexpr uint8_t kAuthHeader = 51;
constexpr uint8_t kDestOptions = 60;
constexpr size_t kFragmentHeaderLen = 8;
// A bound on the walk so a crafted chain costs little; real TCP packets carry none.
constexpr int kMaxExtensionHeaders = 8;

// Returns the length of the extension header at `at`, or an error.
Result<size_t> extension_len(uint8_t type, ByteView packet, size_t at) {
  if (packet.size() - at < 2) return fail(Errc::Truncated, "IPv6 extension header");
  if (type == kFragment) {
    if (packet.size() - at < kFragmentHeaderLen) return fail(Errc::Truncated, "IPv6 fragment header");
    // RFC 8200 §4.5: offset 0 and M clear is an atomic fragment: its payload is whole.
    const uint16_t off_m = load_be16(packet, at + 2);
    if ((off_m & 0xfff9) != 0) return fail(Errc::IpFragment, "IPv6 fragment");
    return kFragmentHeaderLen;
  }
  if (type == kAuthHeader) return (size_t(packet[at + 1]) + 2) * 4;  // RFC 4302 §2.2
  return (size_t(packet[at + 1]) + 1) * 8;
}

bool is_walked_extension(uint8_t type) {
  return type == kHopByHop || type == kRouting || type == kFragment || type == kAuthHeader ||
         type == kDestOptions;
}

}  // namespace

Result<IpPacket> parse_ipv6(ByteView packet) {
  if (packet.size() < kIpv6HeaderLen) return fail(Errc::Truncated, "IPv6 header");
  if ((packet[0] >> 4) != 6) return fail(Errc::BadIpVersion, "not IPv6");
  const size_t payload_len = load_be16(packet, 4);
  // A zero payload length with a jumbo option (RFC 2675) is not supported: no TUN carries it.
  if (packet.size() - kIpv6HeaderLen < payload_len) return fail(Errc::Truncated, "IPv6 payload length");
  const ByteView whole = packet.first(kIpv6HeaderLen + payload_len);

  uint8_t next = whole[6];
  size_t at = kIpv6HeaderLen;
  for (int walked = 0; is_walked_extension(next); ++walked) {
    if (walked == kMaxExtensionHeaders) return fail(Errc::TooLong, "IPv6 extension chain");
    if (next == kHopByHop && walked != 0) return fail(Errc::BadValue, "IPv6 hop-by-hop not first");
    auto len = extension_len(next, whole, at);
    if (!len) return tl::unexpected(len.error());
    if (whole.size() - at < *len) return fail(Errc::Truncated, "IPv6 extension header");
    next = whole[at];
    at += *len;
  }

  IpPacket p;
  std::array<uint8_t, IpAddress::kV6Len> a;
  std::copy(whole.begin() + 8, whole.begin() + 24, a.begin());
  p.src = IpAddress::v6(a);
  std::copy(whole.begin() + 24, whole.begin() + 40, a.begin());
  p.dst = IpAddress::v6(a);
  p.protocol = next;
  p.ttl = whole[7];
  p.traffic_class = uint8_t((load_be16(whole, 0) >> 4) & 0xff);
  p.header_len = at;
  p.payload = whole.subspan(at);
  return p;
}

namespace detail {

Result<size_t> emit_ipv6_header(MutByteView out, const IpAddress& src, const IpAddress& dst,
                                size_t tcp_len, uint8_t hop_limit) {
  if (tcp_len > 0xffff) return fail(Errc::TooLong, "IPv6 payload length");
  store_be32(out, 0, 0x60000000);  // version 6, traffic class 0, flow label 0
  store_be16(out, 4, uint16_t(tcp_len));
  out[6] = kProtocolTcp;
  out[7] = hop_limit;
  std::copy(src.bytes().begin(), src.bytes().end(), out.begin() + 8);
  std::copy(dst.bytes().begin(), dst.bytes().end(), out.begin() + 24);
  return kIpv6HeaderLen;
}

}  // namespace detail
}  // namespace proto::ip
