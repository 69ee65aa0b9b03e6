#include "proto/tcp/send_buffer.h"

#include <algorithm>

namespace proto::tcp {

size_t SendBuffer::write(ByteView data) {
  size_t n = std::min(data.size(), free_space());
  size_t cap = ring_.size();
  for (size_t i = 0; i < n; ++i) ring_[(head_ + len_ + i) % cap] = data[i];
  len_ += n;
  return n;
}

void SendBuffer::consume(size_t n) {
  n = std::min(n, len_);
  if (n == 0) return;
  head_ = (head_ + n) % ring_.size();
  len_ -= n;
}

size_t SendBuffer::copy_out(size_t offset, MutByteView out) const {
  if (offset >= len_) return 0;
  size_t n = std::min(out.size(), len_ - offset);
  size_t cap = ring_.size();
  for (size_t i = 0; i < n; ++i) out[i] = ring_[(head_ + offset + i) % cap];
  return n;
}

}  // namespace proto::tcp
