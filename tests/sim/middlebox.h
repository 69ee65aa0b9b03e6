// Helpers for Link filters that play middleboxes: rewrite a TCP segment (options, flags,
// payload) and re-emit it with a valid checksum, so that TCP accepts what was changed.
#pragma once

#include <functional>

#include "proto/tcp/segment.h"
#include "tests/sim/link.h"

namespace sim {

using proto::tcp::IpAddress;
using proto::tcp::SegmentRepr;

// Parses `seg` (sent from src to dst), lets `edit` change the representation and a copy of
// the payload, and emits the result with a fresh checksum. A segment that does not parse
// is returned unchanged.
using SegmentEdit = std::function<void(SegmentRepr& repr, Bytes& payload)>;
Bytes rewrite(ByteView seg, const IpAddress& src, const IpAddress& dst, const SegmentEdit& edit);

// Parsed view for a filter's decisions (nullopt if it does not parse).
std::optional<SegmentRepr> inspect(ByteView seg, const IpAddress& src, const IpAddress& dst);
bool has_eno(const SegmentRepr& repr);  // carries a kind-69 option
void strip_eno(SegmentRepr& repr);      // removes every kind-69 option

// A filter that applies `edit` to the segments `match` selects and passes the rest.
Link::Filter edit_when(const IpAddress& src, const IpAddress& dst,
                       std::function<bool(const SegmentRepr&)> match, SegmentEdit edit);

}  // namespace sim
