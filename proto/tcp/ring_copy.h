// Copies between a linear buffer and a ring buffer that wraps at ring.size(): at most two
// memcpy calls, for the send buffer and the reassembly buffer. `pos` is any byte position;
// it is taken modulo the ring size. The copy must not exceed the ring size.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "proto/common/bytes.h"

namespace proto::tcp {

// Ring storage whose bytes start uninitialised: a ring reads only bytes it wrote before, and
// zero-filling two 256 KiB rings per connection (memset plus a page fault per page of fresh
// memory) was the largest part of tund's per-connection CPU time (tools/bench-netns-secure).
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using RingBytes = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

inline void ring_write(std::span<uint8_t> ring, uint64_t pos, ByteView data) {
  if (data.empty()) return;
  const size_t at = size_t(pos % ring.size());
  const size_t first = std::min(data.size(), ring.size() - at);
  std::memcpy(ring.data() + at, data.data(), first);
  if (first < data.size()) std::memcpy(ring.data(), data.data() + first, data.size() - first);
}

inline void ring_read(std::span<const uint8_t> ring, uint64_t pos, MutByteView out) {
  if (out.empty()) return;
  const size_t at = size_t(pos % ring.size());
  const size_t first = std::min(out.size(), ring.size() - at);
  std::memcpy(out.data(), ring.data() + at, first);
  if (first < out.size()) std::memcpy(out.data() + first, ring.data(), out.size() - first);
}

}  // namespace proto::tcp
