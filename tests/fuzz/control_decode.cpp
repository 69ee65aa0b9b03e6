// Fuzz target for proto/control: every byte a control client sends goes through Decoder.
// The first input byte picks the chunk size, so splits are fuzzed too. Any decoded frame
// must re-encode and parse back to the same value.
#include <cstdint>
#include <cstdlib>

#include "proto/control/decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t chunk = 1 + data[0] % 64;
  proto::ByteView in(data + 1, size - 1);
  proto::control::Decoder d(4096);
  for (size_t at = 0; at < in.size(); at += chunk) {
    d.on_bytes(in.subspan(at, std::min(chunk, in.size() - at)));
    for (;;) {
      auto f = d.poll_frame();
      if (!f || !*f) break;
      auto bytes = proto::control::encode(**f);
      if (!bytes) std::abort();
      auto back = proto::control::parse_frame(*bytes);
      if (!back || !(*back == **f)) std::abort();
    }
  }
  return 0;
}
