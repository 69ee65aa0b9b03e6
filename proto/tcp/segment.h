// TCP segment codec (RFC 9293 §3.1): a bounds-checked view over received bytes, the
// representation the state machine reasons about, and emit with the checksum over the
// IPv4 or IPv6 pseudo-header. Pure functions and value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/ip/checksum.h"
#include "proto/tcp/address.h"
#include "proto/tcp/options.h"
#include "proto/tcp/seq_num.h"

namespace proto::tcp {

inline constexpr size_t kHeaderLen = 20;
inline constexpr size_t kMaxHeaderLen = kHeaderLen + kMaxOptionBytes;
inline constexpr uint8_t kIpProtoTcp = 6;

// Control bits, as on the wire (byte 13).
enum Flag : uint8_t {
  kFin = 0x01,
  kSyn = 0x02,
  kRst = 0x04,
  kPsh = 0x08,
  kAck = 0x10,
  kUrg = 0x20,
  kEce = 0x40,
  kCwr = 0x80,
};


// Borrows the bytes; after parse() every accessor stays in bounds.
class SegmentView {
 public:
  // Checks length >= 20 and 5 <= data offset, data offset * 4 <= length.
  static Result<SegmentView> parse(ByteView bytes);

  uint16_t src_port() const { return load_be16(bytes_, 0); }
  uint16_t dst_port() const { return load_be16(bytes_, 2); }
  SeqNum seq() const { return SeqNum{load_be32(bytes_, 4)}; }
  SeqNum ack() const { return SeqNum{load_be32(bytes_, 8)}; }
  size_t header_len() const { return size_t(bytes_[12] >> 4) * 4; }
  uint8_t flags() const { return bytes_[13]; }
  uint16_t window() const { return load_be16(bytes_, 14); }
  uint16_t checksum() const { return load_be16(bytes_, 16); }
  uint16_t urgent() const { return load_be16(bytes_, 18); }
  ByteView options() const { return bytes_.subspan(kHeaderLen, header_len() - kHeaderLen); }
  ByteView payload() const { return bytes_.subspan(header_len()); }
  ByteView bytes() const { return bytes_; }
  bool checksum_ok(ByteView src, ByteView dst) const {
    return ip::tcp_checksum(src, dst, bytes_) == 0;
  }

 private:
  explicit SegmentView(ByteView b) : bytes_(b) {}
  ByteView bytes_;
};

struct SegmentRepr {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  SeqNum seq;
  std::optional<SeqNum> ack;  // present iff the ACK bit is set
  uint8_t flags = 0;          // Flag bits other than ACK (emit sets ACK from `ack`)
  uint16_t window = 0;        // raw field, before window scaling
  uint16_t urgent = 0;
  TcpOptions opts;
  ByteView payload;  // borrowed

  bool has(Flag f) const { return (flags & f) != 0; }
  // RFC 9293 §3.4 SEG.LEN: payload plus one for SYN and one for FIN.
  uint32_t seg_len() const {
    return uint32_t(payload.size()) + (has(kSyn) ? 1 : 0) + (has(kFin) ? 1 : 0);
  }

  // Meaning of a view; fails on malformed options. Borrows from the view's bytes.
  static Result<SegmentRepr> from(const SegmentView& v);
  // Bytes emit() writes; fails if the options exceed 40 bytes.
  Result<size_t> wire_len() const;
  // Writes wire_len() bytes into the start of out with a valid checksum and returns the
  // count. Fails if out is too small or the options do not fit.
  Result<size_t> emit(ByteView src, ByteView dst, MutByteView out) const;
};

// View + checksum + options in one step, as a receive path wants it.
Result<SegmentRepr> parse_segment(ByteView bytes, ByteView src, ByteView dst);

// RFC 9293 §3.10.7.1 (no connection): the reset answering `seg`, or nothing if `seg` is
// itself a reset. If seg has ACK: <SEQ=SEG.ACK><CTL=RST>, else
// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Ports are swapped.
std::optional<SegmentRepr> reset_for(const SegmentRepr& seg);

}  // namespace proto::tcp
