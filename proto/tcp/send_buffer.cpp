#include "proto/tcp/send_buffer.h"

#include <algorithm>

#include "proto/tcp/ring_copy.h"

namespace proto::tcp {

size_t SendBuffer::write(ByteView data) {
  size_t n = std::min(data.size(), free_space());
  ring_write(ring_, head_ + len_, data.first(n));
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
  ring_read(ring_, head_ + offset, out.first(n));
  return n;
}

}  // namespace proto::tcp
