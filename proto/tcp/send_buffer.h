// Bounded send buffer: the bytes the application handed over that are not yet
// acknowledged (RFC 9293 §3.8 "send buffer"). Index 0 is the first unacknowledged data
// byte. Its fixed capacity is the back-pressure towards the application: write() takes
// only what fits. Single owner, not thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/tcp/ring_copy.h"

namespace proto::tcp {

class SendBuffer {
 public:
  explicit SendBuffer(size_t capacity) : ring_(capacity) {}

  size_t capacity() const { return ring_.size(); }
  size_t size() const { return len_; }
  size_t free_space() const { return ring_.size() - len_; }

  // Appends as much of data as fits; returns the count taken.
  size_t write(ByteView data);
  // Drops n bytes from the front (acknowledged); n is clamped to size().
  void consume(size_t n);
  // Copies bytes [offset, offset + out.size()) into out; returns the count copied, which
  // is less when the buffer ends earlier.
  size_t copy_out(size_t offset, MutByteView out) const;

 private:
  RingBytes ring_;
  size_t head_ = 0;
  size_t len_ = 0;
};

}  // namespace proto::tcp
