// Fuzz target for proto/ip/icmp: every message on tund's raw ICMP sockets passes through
// parse_icmpv4 (after the outer IPv4 header) or parse_icmpv6. The first input byte picks
// the family. A successful parse must describe a same-family flow.
#include <cstdint>
#include <cstdlib>

#include "proto/ip/icmp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  proto::ByteView in(data + 1, size - 1);
  auto e = (data[0] & 1) ? proto::ip::parse_icmpv6(in) : proto::ip::parse_icmpv4(in);
  if (!e) return 0;
  if (e->local.addr.family() != e->remote.addr.family()) std::abort();
  if (e->local.addr.is_v4() == bool(data[0] & 1)) std::abort();
  if (e->kind != proto::ip::IcmpErrorKind::PacketTooBig && e->mtu != 0) std::abort();
  return 0;
}
