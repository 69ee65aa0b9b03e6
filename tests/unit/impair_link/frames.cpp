#include "tests/unit/impair_link/frames.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "proto/ip/checksum.h"
#include "proto/ip/packet.h"

namespace impair::test {
namespace {

using proto::Bytes;
using proto::ByteView;

const Bytes kV4A{198, 18, 0, 1};
const Bytes kV4B{198, 18, 0, 2};
const Bytes kV6A = *proto::from_hex("fd000018000000000000000000000001");
const Bytes kV6B = *proto::from_hex("fd000018000000000000000000000002");

}  // namespace

Frame build_frame(const SegmentSpec& s) {
  const Bytes& src = s.v6 ? (s.reverse ? kV6B : kV6A) : (s.reverse ? kV4B : kV4A);
  const Bytes& dst = s.v6 ? (s.reverse ? kV6A : kV6B) : (s.reverse ? kV4A : kV4B);
  Bytes tcp;
  proto::put_be16(tcp, s.reverse ? s.dst_port : s.src_port);
  proto::put_be16(tcp, s.reverse ? s.src_port : s.dst_port);
  proto::put_be32(tcp, s.seq);
  proto::put_be32(tcp, s.ack);
  proto::put_u8(tcp, uint8_t((20 + s.tcp_options.size()) / 4 << 4));
  proto::put_u8(tcp, s.flags);
  proto::put_be16(tcp, 65535);
  proto::put_be16(tcp, 0);
  proto::put_be16(tcp, s.urgent);
  proto::put_bytes(tcp, s.tcp_options);
  proto::put_bytes(tcp, s.payload);
  proto::store_be16(tcp, 16, proto::ip::tcp_checksum(src, dst, tcp));

  Frame f = *proto::from_hex(s.v6 ? "02000000000202000000000186dd" : "0200000000020200000000010800");
  if (s.v6) {
    proto::put_be32(f, 0x60000000);
    proto::put_be16(f, uint16_t(tcp.size()));
    proto::put_u8(f, 6);
    proto::put_u8(f, 64);
    proto::put_bytes(f, src);
    proto::put_bytes(f, dst);
  } else {
    const size_t ihl = 20 + s.ip_options.size();
    proto::put_u8(f, uint8_t(0x40 | ihl / 4));
    proto::put_u8(f, 0);
    proto::put_be16(f, uint16_t(ihl + tcp.size()));
    proto::put_be32(f, 0x12344000);  // identification, DF
    proto::put_be16(f, 0x4006);      // TTL 64, TCP
    proto::put_be16(f, 0);
    proto::put_bytes(f, src);
    proto::put_bytes(f, dst);
    proto::put_bytes(f, s.ip_options);
    proto::ip::OnesComplementSum sum;
    sum.add(ByteView(f).subspan(14, ihl));
    proto::store_be16(f, 24, sum.checksum());
  }
  proto::put_bytes(f, tcp);
  f.resize(f.size() + s.eth_padding, 0);
  return f;
}

std::optional<proto::tcp::SegmentRepr> receive(const Frame& frame) {
  if (frame.size() < 14) {
    ADD_FAILURE() << "no Ethernet header";
    return std::nullopt;
  }
  auto ip = proto::ip::parse_tcp(ByteView(frame).subspan(14));
  if (!ip) {
    ADD_FAILURE() << "IP: " << ip.error().detail;
    return std::nullopt;
  }
  auto seg = proto::tcp::parse_segment(ip->payload, ip->src.bytes(), ip->dst.bytes());
  if (!seg) {
    ADD_FAILURE() << "TCP: " << seg.error().detail;
    return std::nullopt;
  }
  return *seg;
}

std::string family_name(const ::testing::TestParamInfo<bool>& info) { return info.param ? "Ipv6" : "Ipv4"; }

Bytes eno_option(std::initializer_list<uint8_t> contents) {
  const size_t len = 2 + contents.size();
  Bytes o((len + 3) / 4 * 4, kTcpOptNop);
  o[0] = kTcpOptEno;
  o[1] = uint8_t(len);
  std::copy(contents.begin(), contents.end(), o.begin() + 2);
  return o;
}

}  // namespace impair::test
