// Middlebox rewrites of one Ethernet frame carrying TCP over IPv4 or IPv6, for the tcpcrypt
// netns tests: strip or alter the TCP-ENO option (RFC 8547, kind 69), flip a payload bit, toggle
// FIN, inject URG, split a segment in two.
//
// Contract:
// - Pure functions over the caller's frame; no I/O, no state, no allocation except resegment().
// - A frame is rewritten only if locate_tcp() accepts it: Ethernet II (no VLAN tag), IPv4 (with
//   or without options, not a fragment, valid lengths) or IPv6 without extension headers,
//   protocol TCP, TCP data offset within the segment. Anything else (short, malformed, non-TCP,
//   bad option list) is left untouched and the function returns false / NotApplicable; no byte
//   outside the frame is ever read.
// - Every rewrite keeps the frame valid: the TCP checksum is recomputed over the pseudo-header,
//   and where lengths change the IPv4 total length + header checksum or IPv6 payload length.
//   Checksums are recomputed, not patched: a frame that arrived with a bad TCP checksum leaves
//   with a good one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "proto/eno/constants.h"
#include "proto/tcp/segment.h"

namespace impair {

using Frame = std::vector<uint8_t>;

// The wire values, from the protocol core (one source of truth).
inline constexpr uint8_t kTcpOptEno = proto::eno::kEnoKind;  // RFC 8547 §4.1
inline constexpr uint8_t kTcpOptNop = proto::tcp::kOptNop;
using proto::tcp::kAck, proto::tcp::kFin, proto::tcp::kPsh, proto::tcp::kSyn, proto::tcp::kUrg;

// Byte offsets of the layers inside a frame that locate_tcp() accepted.
struct TcpLayout {
  bool v6 = false;
  size_t ip = 0;       // start of the IP header (14)
  size_t tcp = 0;      // start of the TCP header
  size_t payload = 0;  // start of the TCP payload
  size_t end = 0;      // end of the IP datagram (Ethernet padding after it is not TCP)

  size_t payload_len() const { return end - payload; }
};

std::optional<TcpLayout> locate_tcp(const Frame& frame);

// TCP header fields of an accepted frame (callers pass the layout locate_tcp() returned).
uint8_t tcp_flags(const Frame& frame, const TcpLayout& l);
uint32_t tcp_seq(const Frame& frame, const TcpLayout& l);

// Recomputes the TCP checksum and, for IPv4, the header checksum.
void fix_checksums(Frame& frame, const TcpLayout& l);

// Overwrites every TCP-ENO option with NOPs (lengths unchanged). True if one was found. A frame
// whose option list is malformed is left untouched.
bool strip_eno(Frame& frame);

enum class AlterResult : uint8_t { NotApplicable, Altered, Skipped };

// Changes one TEP byte of the first SYN-form ENO option so that the option stays well-formed
// but differs from what the sender sent (its negotiation transcript, RFC 8547 §4.8, no longer
// matches the receiver's). Rule: the first TEP suboption without data whose id is one of the
// tcpcrypt TEPs 0x21..0x24 (RFC 8548 §7) and which is not the option's last suboption is
// replaced by the lowest id in 0x21..0x24 that the option does not mention. The last
// suboption is kept, so the option still offers a valid TEP. Skipped: no such TEP byte
// (fewer than two TEPs, or only the last one is a tcpcrypt TEP) or no unused id.
// NotApplicable: no well-formed ENO option with suboptions in the segment.
AlterResult alter_eno_tep(Frame& frame);

// Flips the lowest bit of the middle payload byte (payload[len / 2]). False without payload.
bool flip_payload_bit(Frame& frame);

// Toggles the FIN flag. False if the frame is not accepted TCP.
bool toggle_fin(Frame& frame);

// Sets URG and the urgent pointer. False if the frame is not accepted TCP.
bool set_urgent(Frame& frame, uint16_t pointer);

// Splits a segment with at least 2 payload bytes and no SYN into two (first half floor(len/2)
// bytes, then the rest at seq + floor(len/2)); FIN and PSH only on the second, URG kept on the
// first and on the second only if the urgent pointer reaches into it (RFC 9293 §3.8.5).
// Options are copied to both; Ethernet padding is dropped. nullopt if not splittable.
std::optional<std::pair<Frame, Frame>> resegment(const Frame& frame);

}  // namespace impair
