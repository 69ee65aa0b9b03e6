// TCP options codec (RFC 9293 §3.1, §3.2): MSS, window scale and timestamps (RFC 7323),
// SACK-permitted and SACK blocks (RFC 2018). Every other kind, in particular the TCP-ENO
// option (kind 69, RFC 8547), is kept verbatim so that a layer above can see it.
//
// SYN option budget (40 bytes of option space, RFC 9293 §3.1). emit() packs a SYN as
//   MSS (4) | SACK-permitted (2) | Timestamps (10) | Window scale (3) | extra raw options
// with no NOP in between and EOL/zero padding only at the very end, so the four standard
// options take 19 bytes and 21 bytes remain for the caller's extra options: a TCP-ENO
// option of up to 21 bytes (kind, length and up to 19 suboption bytes). The total is
// padded to a multiple of 4, which costs nothing extra when the extras are 1 or 21 bytes
// and at most 3 bytes otherwise.
// Non-SYN segments use the RFC 7323 Appendix A layout NOP NOP TS (12 bytes) that fast
// paths expect, then the extra options, then NOP NOP SACK with as many blocks as fit
// (3 when no extra options are present).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/tcp/seq_num.h"

namespace proto::tcp {

inline constexpr size_t kMaxOptionBytes = 40;
inline constexpr uint8_t kOptEol = 0;
inline constexpr uint8_t kOptNop = 1;
inline constexpr uint8_t kOptMss = 2;
inline constexpr uint8_t kOptWindowScale = 3;
inline constexpr uint8_t kOptSackPermitted = 4;
inline constexpr uint8_t kOptSack = 5;
inline constexpr uint8_t kOptTimestamps = 8;
inline constexpr uint8_t kOptEno = 69;  // RFC 8547; passed through raw
inline constexpr uint8_t kMaxWindowScale = 14;  // RFC 7323 §2.3
inline constexpr size_t kMaxSackBlocks = 4;

struct SackBlock {
  SeqNum left;   // first sequence number of the block
  SeqNum right;  // sequence number just after the block
  friend bool operator==(const SackBlock&, const SackBlock&) = default;
};

struct Timestamps {
  uint32_t val = 0;  // TSval
  uint32_t ecr = 0;  // TSecr
  friend bool operator==(const Timestamps&, const Timestamps&) = default;
};

struct TcpOptions {
  std::optional<uint16_t> mss;
  std::optional<uint8_t> window_scale;  // parse clamps values above 14 to 14 (RFC 7323 §2.3)
  bool sack_permitted = false;
  std::optional<Timestamps> timestamps;
  std::array<SackBlock, kMaxSackBlocks> sack{};
  uint8_t sack_count = 0;
  // Options of any other kind, each a whole kind-length-value TLV, borrowed from the parsed
  // segment (parse) or from the caller (emit: written verbatim, in order, after the known
  // options of a SYN or after the timestamps of any other segment).
  std::vector<ByteView> unknown;

  // Bytes of the options before padding to a multiple of 4.
  size_t unpadded_len(bool syn) const;
  // Bytes emit() writes, padding included; fails if over 40.
  Result<size_t> wire_len(bool syn) const;
  // Writes exactly wire_len(syn) bytes into out.
  Status emit(bool syn, MutByteView out) const;
  // Parses an options area. Fails (the segment should be dropped, RFC 9293 MUST-7) on a
  // length byte that is missing, < 2, runs past the end, or is wrong for a known kind.
  static Result<TcpOptions> parse(ByteView raw);
};

}  // namespace proto::tcp
