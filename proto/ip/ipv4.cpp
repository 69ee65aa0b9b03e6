// IPv4 header (RFC 791 §3.1).
#include "proto/ip/checksum.h"
#include "proto/ip/packet.h"

namespace proto::ip {

namespace {
constexpr uint16_t kFlagDf = 0x4000;
constexpr uint16_t kFlagMf = 0x2000;
constexpr uint16_t kOffsetMask = 0x1fff;
}  // namespace

Result<IpPacket> parse_ipv4(ByteView packet) {
  if (packet.size() < kIpv4HeaderLen) return fail(Errc::Truncated, "IPv4 header");
  if ((packet[0] >> 4) != 4) return fail(Errc::BadIpVersion, "not IPv4");
  const size_t ihl = size_t(packet[0] & 0x0f) * 4;
  if (ihl < kIpv4HeaderLen) return fail(Errc::BadValue, "IPv4 IHL below 5");
  if (packet.size() < ihl) return fail(Errc::Truncated, "IPv4 options");
  const size_t total = load_be16(packet, 2);
  if (total < ihl) return fail(Errc::BadValue, "IPv4 total length below header length");
  if (packet.size() < total) return fail(Errc::Truncated, "IPv4 total length");
  // Options are covered by the checksum and otherwise skipped.
  if (ones_complement_sum(packet.first(ihl)) != 0xffff)
    return fail(Errc::BadIpChecksum, "IPv4 header checksum");
  const uint16_t frag = load_be16(packet, 6);
  if ((frag & kFlagMf) != 0 || (frag & kOffsetMask) != 0)
    return fail(Errc::IpFragment, "IPv4 fragment");

  IpPacket p;
  p.src = IpAddress::v4({packet[12], packet[13], packet[14], packet[15]});
  p.dst = IpAddress::v4({packet[16], packet[17], packet[18], packet[19]});
  p.protocol = packet[9];
  p.ttl = packet[8];
  p.traffic_class = packet[1];
  p.header_len = ihl;
  p.payload = packet.subspan(ihl, total - ihl);
  return p;
}

namespace detail {

Result<size_t> emit_ipv4_header(MutByteView out, const IpAddress& src, const IpAddress& dst,
                                size_t tcp_len, uint8_t ttl, uint16_t ident) {
  if (tcp_len > 0xffff - kIpv4HeaderLen) return fail(Errc::TooLong, "IPv4 total length");
  out[0] = 0x45;  // version 4, IHL 5
  out[1] = 0;     // DSCP 0, ECN 0
  store_be16(out, 2, uint16_t(kIpv4HeaderLen + tcp_len));
  store_be16(out, 4, ident);
  store_be16(out, 6, kFlagDf);
  out[8] = ttl;
  out[9] = kProtocolTcp;
  store_be16(out, 10, 0);
  std::copy(src.bytes().begin(), src.bytes().end(), out.begin() + 12);
  std::copy(dst.bytes().begin(), dst.bytes().end(), out.begin() + 16);
  OnesComplementSum sum;
  sum.add(out.first(kIpv4HeaderLen));
  store_be16(out, 10, sum.checksum());
  return kIpv4HeaderLen;
}

}  // namespace detail
}  // namespace proto::ip
