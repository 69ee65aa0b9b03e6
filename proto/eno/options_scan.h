// Finding ENO options in the raw options area of a TCP header (RFC 9293 §3.1 option
// layout; RFC 8547 §4.1, §11).
//
// For a TCP stack that does not already keep kind-69 options verbatim. Pure; the returned
// spans borrow from the input and live as long as it does.
#pragma once

#include <span>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/common/result.h"

namespace proto::eno {

struct EnoOptionsFound {
  // Every kind-69 option, complete (kind, length, contents), in order. ENO itself needs
  // only: none, one, or several (several in a SYN count as none, ENO-2).
  std::vector<ByteView> options;
  // A kind-253 option with ExID 0x454E (the legacy experimental encoding) was present.
  // It is never emitted and carries no meaning here (ENO-31): callers ignore it.
  bool legacy_experimental = false;
};

// Walks the options area: kind 0 (end of list) stops, kind 1 (no-op) is one byte, every
// other kind has a length byte >= 2. Errc::Truncated when an option's length runs past
// the area or is missing; Errc::BadValue for a length byte below 2. (RFC 9293 §3.1)
Result<EnoOptionsFound> find_eno_options(ByteView options_area);

}  // namespace proto::eno
