#include "proto/ip/checksum.h"

#include <arpa/inet.h>

#include <cstring>

namespace proto::ip {

namespace {
constexpr uint8_t kProtocolTcp = 6;
}

// RFC 1071 §2(B): the sum is independent of byte order, so add native-order words and swap
// the folded result once. 32-bit words into a 64-bit accumulator cannot overflow for any
// packet size that exists (2^32 words).
void OnesComplementSum::add(ByteView data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  for (; n >= 4; p += 4, n -= 4) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    sum_ += w;
  }
  if (n >= 2) {
    uint16_t w;
    std::memcpy(&w, p, 2);
    sum_ += w;
    p += 2;
    n -= 2;
  }
  if (n == 1) {
    const uint8_t last[2] = {*p, 0};
    uint16_t w;
    std::memcpy(&w, last, 2);
    sum_ += w;
  }
}

void OnesComplementSum::add_be16(uint16_t v) { sum_ += htons(v); }

void OnesComplementSum::add_be32(uint32_t v) { sum_ += htonl(v); }

uint16_t OnesComplementSum::folded() const {
  uint64_t s = sum_;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ntohs(uint16_t(s));
}

uint16_t ones_complement_sum(ByteView data, uint16_t initial) {
  OnesComplementSum sum;
  sum.add_be16(initial);
  sum.add(data);
  return sum.folded();
}

uint16_t tcp_pseudo_header_sum(ByteView src_addr, ByteView dst_addr, uint32_t tcp_len) {
  OnesComplementSum sum;
  sum.add(src_addr);
  sum.add(dst_addr);
  // IPv4: zero, protocol, 16-bit length; IPv6: 32-bit length, 3 zero bytes, next header.
  // Both reduce to the same sum, since one's-complement addition is position-free modulo
  // 16-bit alignment and the length fits in 32 bits.
  sum.add_be32(tcp_len);
  sum.add_be16(kProtocolTcp);
  return sum.folded();
}

uint16_t tcp_checksum(ByteView src_addr, ByteView dst_addr, ByteView tcp_segment) {
  OnesComplementSum sum;
  sum.add_be16(tcp_pseudo_header_sum(src_addr, dst_addr, uint32_t(tcp_segment.size())));
  sum.add(tcp_segment);
  return sum.checksum();
}

}  // namespace proto::ip
