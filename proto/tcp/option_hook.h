// The hook a layer above TCP (TCP-ENO, RFC 8547) uses to put its own options on this
// connection's segments and to see the options TCP does not know. Small on purpose:
// everything else that layer needs is on Connection (push(), abort(), the data path).
#pragma once

#include <cstddef>
#include <optional>

#include "proto/common/bytes.h"
#include "proto/tcp/seq_num.h"

namespace proto::tcp {

struct SegmentRepr;

// What is fixed about a segment when the hook is asked for options. Its payload length,
// FIN and PSH are decided afterwards (the payload shrinks by the option bytes added).
struct OutgoingSegment {
  bool syn = false;
  std::optional<SeqNum> ack;  // absent only on the initial SYN
  SeqNum seq;
  bool retransmission = false;  // a SYN, SYN-ACK or data segment being sent again
};

class OptionHook {
 public:
  virtual ~OptionHook() = default;
  // Called for every segment the connection emits except RSTs. Write whole option TLVs
  // (kind, length, value) into `room` and return how many bytes were written (0: none).
  // room.size() is what is left of the 40-byte option space after TCP's own options
  // (21 bytes on a SYN or SYN-ACK with all of MSS, SACK-permitted, timestamps and window
  // scaling; see options.h). Writing more than room.size() is impossible; returning more
  // is treated as 0.
  virtual size_t extra_options(const OutgoingSegment& seg, MutByteView room) = 0;
  // Called for every received segment that the state machine accepts (passed the
  // sequence, PAWS and ACK checks, or was a SYN/SYN-ACK it processed), before its data is
  // delivered. seg.opts.unknown holds the raw TLVs of unknown kinds (ENO is kind 69).
  // The hook may call Connection::abort() only after on_segment() returns.
  virtual void on_segment_options(const SegmentRepr& seg) = 0;
};

}  // namespace proto::tcp
