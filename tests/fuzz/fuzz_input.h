// Helpers shared by the libFuzzer targets: a reader that turns the fuzzer's bytes into
// choices (never failing: past the end it yields zeros and empty views), and an invariant
// check that aborts with a message, so that libFuzzer records the input as a crash.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "proto/common/bytes.h"

namespace fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(data, size) {}

  uint8_t byte() {
    if (rest_.empty()) return 0;
    uint8_t b = rest_[0];
    rest_ = rest_.subspan(1);
    return b;
  }
  uint16_t be16() { return uint16_t(byte() << 8 | byte()); }
  // Up to n bytes (fewer at the end of the input).
  proto::ByteView take(size_t n) {
    proto::ByteView out = rest_.first(std::min(n, rest_.size()));
    rest_ = rest_.subspan(out.size());
    return out;
  }
  proto::ByteView rest() { return take(rest_.size()); }
  bool empty() const { return rest_.empty(); }
  size_t size() const { return rest_.size(); }

 private:
  proto::ByteView rest_;
};

[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", what, file, line);
  std::abort();
}

}  // namespace fuzz

#define FUZZ_CHECK(cond) \
  ((cond) ? void(0) : ::fuzz::invariant_failed(#cond, __FILE__, __LINE__))
