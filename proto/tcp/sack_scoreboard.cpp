#include "proto/tcp/sack_scoreboard.h"

#include <algorithm>

namespace proto::tcp {

void SackScoreboard::on_ack(SeqNum snd_una, SeqNum snd_max, const TcpOptions& opts) {
  // Rebase on snd_una: drop or trim ranges at or below it.
  uint32_t shift = snd_una - base_;
  std::map<uint32_t, uint32_t> rebased;
  sacked_ = 0;
  if (snd_una >= base_) {
    for (auto [s, e] : ranges_) {
      if (e <= shift) continue;
      uint32_t ns = s > shift ? s - shift : 0;
      rebased[ns] = e - shift;
      sacked_ += e - shift - ns;
    }
  }
  ranges_ = std::move(rebased);
  base_ = snd_una;

  for (size_t i = 0; i < opts.sack_count; ++i) {
    SackBlock b = opts.sack[i];
    if (!(snd_una < b.left && b.left < b.right && b.right <= snd_max)) continue;
    uint32_t s = b.left - base_, e = b.right - base_;
    auto it = ranges_.upper_bound(s);
    if (it != ranges_.begin() && std::prev(it)->second >= s) --it;
    bool merges = it != ranges_.end() && it->first <= e;
    if (!merges && ranges_.size() >= kMaxRanges) continue;
    while (it != ranges_.end() && it->first <= e) {
      s = std::min(s, it->first);
      e = std::max(e, it->second);
      sacked_ -= it->second - it->first;
      it = ranges_.erase(it);
    }
    ranges_[s] = e;
    sacked_ += e - s;
  }
}

SeqNum SackScoreboard::highest_sacked() const {
  return ranges_.empty() ? base_ : base_ + ranges_.rbegin()->second;
}

uint32_t SackScoreboard::hole_bytes(SeqNum from) const {
  uint32_t pos = from < base_ ? 0 : from - base_;
  uint32_t holes = 0;
  for (auto [s, e] : ranges_) {
    if (s > pos) holes += s - pos;
    pos = std::max(pos, e);
  }
  return holes;
}

std::optional<std::pair<SeqNum, uint32_t>> SackScoreboard::next_hole(SeqNum from) const {
  uint32_t pos = from < base_ ? 0 : from - base_;
  for (auto [s, e] : ranges_) {
    if (pos < s) return std::pair{base_ + pos, s - pos};
    pos = std::max(pos, e);
  }
  return std::nullopt;
}

}  // namespace proto::tcp
