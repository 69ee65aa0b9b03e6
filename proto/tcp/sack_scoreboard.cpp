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

std::vector<SackScoreboard::Hole> SackScoreboard::holes(uint32_t smss) const {
  std::vector<Hole> out;
  uint32_t pos = 0;
  for (auto [s, e] : ranges_) {
    if (pos < s) out.push_back(Hole{pos, s, false});
    pos = e;
  }
  // Walk down from the top, counting what is SACKed above each hole.
  uint64_t sacked_above = 0;
  size_t blocks_above = 0;
  auto range = ranges_.rbegin();
  for (auto hole = out.rbegin(); hole != out.rend(); ++hole) {
    while (range != ranges_.rend() && range->first >= hole->end) {
      sacked_above += range->second - range->first;
      ++blocks_above;
      ++range;
    }
    hole->lost = blocks_above >= kDupThresh || sacked_above > (kDupThresh - 1) * uint64_t(smss);
  }
  return out;
}

bool SackScoreboard::is_lost(SeqNum seq, uint32_t smss) const {
  uint32_t pos = seq < base_ ? 0 : seq - base_;
  uint64_t sacked_above = 0;
  size_t blocks_above = 0;
  for (auto [s, e] : ranges_) {
    if (e <= pos) continue;
    sacked_above += e - std::max(s, pos);
    ++blocks_above;
  }
  return blocks_above >= kDupThresh || sacked_above > (kDupThresh - 1) * uint64_t(smss);
}

uint32_t SackScoreboard::lost_bytes(SeqNum from, uint32_t smss) const {
  uint32_t pos = from < base_ ? 0 : from - base_;
  uint32_t n = 0;
  for (const Hole& h : holes(smss))
    if (h.lost && h.end > pos) n += h.end - std::max(h.start, pos);
  return n;
}

std::optional<std::pair<SeqNum, uint32_t>> SackScoreboard::next_lost(SeqNum from,
                                                                     uint32_t smss) const {
  uint32_t pos = from < base_ ? 0 : from - base_;
  for (const Hole& h : holes(smss)) {
    if (!h.lost || h.end <= pos) continue;
    uint32_t start = std::max(h.start, pos);
    return std::pair{base_ + start, h.end - start};
  }
  return std::nullopt;
}

}  // namespace proto::tcp
