// Sender-side SACK scoreboard (RFC 6675 §3): which sequence ranges above SND.UNA the
// peer reported as received (RFC 2018 blocks), so that loss recovery retransmits only
// the holes. Bounded: at most kMaxRanges ranges; further blocks are ignored (recovery then
// only retransmits less selectively). Single owner.
#pragma once

#include <cstdint>
#include <map>
#include <vector>
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
  // RFC 6675 §4 IsLost(seq): more than (DupThresh - 1) * SMSS bytes or at least
  // DupThresh discontiguous blocks are SACKed above seq.
  bool is_lost(SeqNum seq, uint32_t smss) const;
  // Bytes at or after `from` in holes that is_lost() marks as lost.
  uint32_t lost_bytes(SeqNum from, uint32_t smss) const;
  // RFC 6675 NextSeg rule (1): the first lost unSACKed range starting at or after
  // `from`, as (start, length).
  std::optional<std::pair<SeqNum, uint32_t>> next_lost(SeqNum from, uint32_t smss) const;

  static constexpr uint32_t kDupThresh = 3;  // RFC 6675 §2, RFC 5681

 private:
  struct Hole {
    uint32_t start, end;  // offsets from base_
    bool lost;
  };
  // Holes below the highest SACKed byte, in order, each marked lost or not.
  std::vector<Hole> holes(uint32_t smss) const;

  // Keyed by offset from base_ so that std::map ordering equals sequence order.
  std::map<uint32_t, uint32_t> ranges_;  // start offset -> end offset
  SeqNum base_;
  uint32_t sacked_ = 0;
};

}  // namespace proto::tcp
