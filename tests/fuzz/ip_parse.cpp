// Fuzz target for proto/ip: every packet read from the TUN passes through parse().
// Checks that a successful parse stays inside the input and that its parts add up.
#include <cstdint>
#include <cstdlib>

#include "proto/ip/checksum.h"
#include "proto/ip/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  proto::ByteView in(data, size);
  auto p = proto::ip::parse(in);
  if (!p) return 0;
  const uint8_t* end = data + size;
  if (p->payload.data() < data || p->payload.data() + p->payload.size() > end) std::abort();
  if (p->payload.data() != data + p->header_len) std::abort();
  if (p->src.family() != p->dst.family()) std::abort();
  (void)proto::ip::tcp_checksum(p->src.bytes(), p->dst.bytes(), p->payload);
  return 0;
}
