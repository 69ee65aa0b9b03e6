// The Internet checksum (RFC 1071): 16-bit one's-complement sum, and the TCP checksum over
// the IPv4 (RFC 9293 §3.1) or IPv6 (RFC 8200 §8.1) pseudo-header.
// Pure functions; no allocation. Values are host-order numbers of the big-endian 16-bit
// word as it appears on the wire (store them with store_be16).
#pragma once

#include <cstdint>

#include "proto/common/bytes.h"

namespace proto::ip {

// Incremental accumulator. Every chunk passed to add() except the last must have an even
// length (an odd chunk is padded with one zero byte, RFC 1071 §4.1).
class OnesComplementSum {
 public:
  void add(ByteView data);
  void add_be16(uint16_t v);
  void add_be32(uint32_t v);
  // The folded 16-bit sum, not complemented.
  uint16_t folded() const;
  // The checksum field value: the complement of folded().
  uint16_t checksum() const { return uint16_t(~folded()); }

 private:
  uint64_t sum_ = 0;  // of native-order 32-bit words; byte order is fixed up in folded()
};

// Folded one's-complement sum of `data` (not complemented), continuing from `initial`
// (a previous result; the previous data must have had an even length).
uint16_t ones_complement_sum(ByteView data, uint16_t initial = 0);

// Folded pseudo-header sum (not complemented) for a TCP segment of `tcp_len` bytes. This is
// the value a TSO/CHECKSUM_PARTIAL packet carries in its checksum field (packet-path §7.4).
// src and dst are 4-byte (IPv4) or 16-byte (IPv6) addresses of the same family.
uint16_t tcp_pseudo_header_sum(ByteView src_addr, ByteView dst_addr, uint32_t tcp_len);

// The TCP checksum over pseudo-header + segment, as stored in the segment's checksum field.
// To fill in: zero the field, call, store the result. To verify: call on the received
// segment as is; a correct segment gives 0.
uint16_t tcp_checksum(ByteView src_addr, ByteView dst_addr, ByteView tcp_segment);

}  // namespace proto::ip
