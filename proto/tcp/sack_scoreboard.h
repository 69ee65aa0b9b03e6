// Sender-side SACK scoreboard (RFC 6675 §3): which sequence ranges above SND.UNA the
// peer reported as received (RFC 2018 blocks), so that loss recovery retransmits only
// the holes. Bounded: at most kMaxRanges ranges; further blocks are ignored (recovery then
// only retransmits less selectively). Single owner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "proto/tcp/options.h"
#include "proto/tcp/seq_num.h"

namespace proto::tcp {

class SackScoreboard {
 public:
  static constexpr size_t kMaxRanges = 32;

  // Records the SACK blocks of an ACK and forgets everything at or below snd_una.
  // Blocks outside (snd_una, snd_max] or with left >= right are ignored (RFC 2018 §4
  // D-SACKs and forged blocks alike).
  void on_ack(SeqNum snd_una, SeqNum snd_max, const TcpOptions& opts);
  void clear() { ranges_.clear(), sacked_ = 0; }

  bool empty() const { return ranges_.empty(); }
  uint32_t sacked_bytes() const { return sacked_; }
  // Highest sequence number + 1 covered by a SACK block (meaningless when empty()).
  SeqNum highest_sacked() const;
  // Bytes in [from, highest_sacked()) that no block covers.
  uint32_t hole_bytes(SeqNum from) const;
  // RFC 6675 NextSeg (simplified: every hole below the highest SACKed byte counts as
  // lost): the first unSACKed range starting at or after `from` and below
  // highest_sacked(), as (start, length).
  std::optional<std::pair<SeqNum, uint32_t>> next_hole(SeqNum from) const;

 private:
  // Keyed by offset from base_ so that std::map ordering equals sequence order.
  std::map<uint32_t, uint32_t> ranges_;  // start offset -> end offset
  SeqNum base_;
  uint32_t sacked_ = 0;
};

}  // namespace proto::tcp
