// Initial sequence numbers per RFC 6528 §3: ISN = M + F(localip, localport, remoteip,
// remoteport, secretkey), M a 4 µs clock, F = HMAC-SHA-256 keyed with a host secret
// (truncated to 32 bits). The same keyed hash gives the per-connection timestamp offset
// recommended by RFC 7323 §5.4 / Appendix G. Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "proto/common/bytes.h"
#include "proto/common/time.h"
#include "proto/tcp/address.h"
#include "proto/tcp/seq_num.h"

namespace proto::tcp {

struct IsnAndTsOffset {
  SeqNum isn;
  uint32_t ts_offset;
};

// secret: at least 16 random bytes held by the caller (e.g. in crypto::SecretBytes).
IsnAndTsOffset generate_isn(ByteView secret, const FourTuple& tuple, Instant now);

}  // namespace proto::tcp
