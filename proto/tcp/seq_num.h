// TCP sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4).
#pragma once

#include <cstdint>

namespace proto::tcp {

struct SeqNum {
  uint32_t v = 0;

  // a < b iff b lies in the 2^31 values after a. Only meaningful for numbers less than
  // 2^31 apart, which TCP windows guarantee.
  friend bool operator<(SeqNum a, SeqNum b) { return int32_t(a.v - b.v) < 0; }
  friend bool operator>(SeqNum a, SeqNum b) { return b < a; }
  friend bool operator<=(SeqNum a, SeqNum b) { return !(b < a); }
  friend bool operator>=(SeqNum a, SeqNum b) { return !(a < b); }
  friend bool operator==(SeqNum a, SeqNum b) = default;

  friend SeqNum operator+(SeqNum a, uint32_t n) { return SeqNum{a.v + n}; }
  friend SeqNum operator-(SeqNum a, uint32_t n) { return SeqNum{a.v - n}; }
  // Distance b..a; callers ensure a >= b.
  friend uint32_t operator-(SeqNum a, SeqNum b) { return a.v - b.v; }
  SeqNum& operator+=(uint32_t n) {
    v += n;
    return *this;
  }
};

inline SeqNum max(SeqNum a, SeqNum b) { return a < b ? b : a; }
inline SeqNum min(SeqNum a, SeqNum b) { return a < b ? a : b; }

// RFC 9293 §3.4: lo <= s < hi, modulo 2^32.
inline bool in_range(SeqNum s, SeqNum lo, SeqNum hi) { return lo <= s && s < hi; }

}  // namespace proto::tcp
