// Bounded receive buffer with reassembly (RFC 9293 §3.10.7.4 "seventh, process the
// segment text"). Data is addressed by stream offset (0 = first byte after the SYN).
// In-order bytes wait here until the application reads them; out-of-order bytes are
// stored in place and tracked as ranges, so the memory used never exceeds the capacity.
// The connection never advertises more window than free_space(), so every acceptable
// byte fits. Single owner, not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/tcp/ring_copy.h"

namespace proto::tcp {

class Reassembly {
 public:
  // At most kMaxRanges out-of-order ranges are kept; a segment that would add another is
  // dropped (the sender retransmits it), so a peer cannot make the range map grow.
  static constexpr size_t kMaxRanges = 64;

  explicit Reassembly(size_t capacity) : ring_(capacity) {}

  size_t capacity() const { return ring_.size(); }
  // Offset of the first byte not yet received in order (RCV.NXT as an offset).
  uint64_t ready_end() const { return ready_end_; }
  // In-order bytes the application has not read.
  size_t readable() const { return size_t(ready_end_ - read_off_); }
  // Room for bytes at and after ready_end().
  size_t free_space() const { return ring_.size() - readable(); }
  bool has_out_of_order() const { return !ranges_.empty(); }

  // Stores the part of data (starting at stream offset `offset`) that lies in
  // [ready_end(), read offset + capacity). Returns how far ready_end() advanced.
  size_t insert(uint64_t offset, ByteView data);
  // Copies up to out.size() in-order bytes to out and frees them; returns the count.
  size_t read(MutByteView out);

  // Out-of-order ranges [start, end) for SACK (RFC 2018 §4): the one holding the most
  // recently received data first, then the others in ascending order. Writes at most
  // out.size() ranges and returns the count.
  struct Range {
    uint64_t start, end;
  };
  size_t sack_ranges(std::span<Range> out) const;

 private:
  void copy_in(uint64_t offset, ByteView data);

  RingBytes ring_;
  uint64_t read_off_ = 0;
  uint64_t ready_end_ = 0;
  std::map<uint64_t, uint64_t> ranges_;  // start -> end, disjoint, not touching, > ready_end_
  std::optional<uint64_t> last_range_start_;
};

}  // namespace proto::tcp
