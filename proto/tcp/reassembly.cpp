#include "proto/tcp/reassembly.h"

#include <algorithm>

#include "proto/tcp/ring_copy.h"

namespace proto::tcp {

void Reassembly::copy_in(uint64_t offset, ByteView data) {
  ring_write(ring_, offset, data);
}

size_t Reassembly::insert(uint64_t offset, ByteView data) {
  uint64_t start = std::max(offset, ready_end_);
  uint64_t end = std::min(offset + data.size(), read_off_ + ring_.size());
  if (start >= end) return 0;
  data = data.subspan(size_t(start - offset), size_t(end - start));

  // Merge [start, end) with every range it overlaps or touches.
  auto it = ranges_.upper_bound(start);
  if (it != ranges_.begin() && std::prev(it)->second >= start) --it;
  uint64_t new_start = start, new_end = end;
  size_t merged = 0;
  while (it != ranges_.end() && it->first <= end) {
    new_start = std::min(new_start, it->first);
    new_end = std::max(new_end, it->second);
    it = ranges_.erase(it), ++merged;
  }
  if (merged == 0 && start > ready_end_ && ranges_.size() >= kMaxRanges) return 0;
  copy_in(start, data);
  last_range_start_.reset();
  if (new_start > ready_end_) {
    ranges_[new_start] = new_end;
    last_range_start_ = new_start;
    return 0;
  }
  uint64_t before = ready_end_;
  ready_end_ = new_end;
  return size_t(ready_end_ - before);
}

size_t Reassembly::read(MutByteView out) {
  size_t n = std::min(out.size(), readable());
  ring_read(ring_, read_off_, out.first(n));
  read_off_ += n;
  return n;
}

size_t Reassembly::sack_ranges(std::span<Range> out) const {
  size_t n = 0;
  if (n < out.size() && last_range_start_) {
    out[n++] = Range{*last_range_start_, ranges_.at(*last_range_start_)};
  }
  for (const auto& [s, e] : ranges_) {
    if (n >= out.size()) break;
    if (last_range_start_ && s == *last_range_start_) continue;
    out[n++] = Range{s, e};
  }
  return n;
}

}  // namespace proto::tcp
