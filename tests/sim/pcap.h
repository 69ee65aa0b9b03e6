// Minimal pcap writer (LINKTYPE_RAW: each record is an IP packet) so that a failing seed
// can be looked at in Wireshark. Test-only.
#pragma once

#include <string>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/common/time.h"
#include "proto/tcp/address.h"

namespace sim {

struct CapturedSegment {
  proto::Instant at;
  proto::tcp::IpAddress src, dst;
  proto::Bytes tcp;  // the TCP segment as sent
};

// Writes the segments, each behind a synthesized IPv4 or IPv6 header. Returns false if
// the file cannot be written.
bool write_pcap(const std::string& path, const std::vector<CapturedSegment>& segments);

}  // namespace sim
