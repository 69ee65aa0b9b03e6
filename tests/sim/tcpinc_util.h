// Shared setup for the tcpinc simulation tests.
#pragma once

#include <string_view>

#include "tests/sim/middlebox.h"
#include "tests/sim/secure_pair.h"
#include "tests/sim/sim_util.h"

namespace sim {

inline constexpr std::string_view kMarker = "PLAINTEXT-MARKER-7f3a";

inline ByteView marker() {
  return ByteView(reinterpret_cast<const uint8_t*>(kMarker.data()), kMarker.size());
}

// Pattern bytes with the marker written every 1000 bytes: if the wire ever carries
// application bytes in the clear, some segment holds a whole marker.
inline Bytes marked(size_t n, uint64_t seed) {
  Bytes b = pattern(n, seed);
  for (size_t at = 0; at + kMarker.size() <= n; at += 1000)
    std::copy(kMarker.begin(), kMarker.end(), b.begin() + std::ptrdiff_t(at));
  return b;
}

// lossy_link() both ways (no corruption: tests that want it say so).
inline SecurePairOptions lossy(uint32_t loss_ppm) {
  SecurePairOptions opt;
  opt.ab = opt.ba = lossy_link(loss_ppm);
  return opt;
}

inline std::optional<SegmentRepr> parsed(const SecureHost& from, const SecureHost& to, ByteView seg) {
  return inspect(seg, from.addr, to.addr);
}

// Drives until both hosts saw Closed (or the limit passes).
inline bool run_to_close(SecurePair& p, Duration limit = 600s) {
  return p.run_until([&] { return p.a().closed() && p.b().closed(); }, limit);
}

}  // namespace sim
