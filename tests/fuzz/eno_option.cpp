// Fuzz target for proto/eno: the options-area scanner and the SYN-form option codec, on
// bytes exactly as a peer could put them in a TCP header. A parsed option must re-encode
// to an option that parses to the same meaning, and spans must stay inside the input.
#include <cstdint>
#include <cstdlib>

#include "proto/eno/option.h"
#include "proto/eno/options_scan.h"

using namespace proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  if (auto found = eno::find_eno_options(in)) {
    for (ByteView opt : found->options) {
      if (opt.data() < data || opt.data() + opt.size() > data + size) std::abort();
      (void)eno::parse_syn_option(opt);
    }
  }
  auto parsed = eno::parse_syn_option(in);
  if (!parsed) return 0;
  if (parsed->raw.size() != size) std::abort();
  // z bits are legal on receipt but never sent (ENO-6): re-encode without them.
  const uint8_t global = parsed->global & uint8_t(~eno::kGlobalZMask);
  auto encoded = eno::encode_syn_option(global, parsed->teps, 64);
  if (!encoded) return 0;  // e.g. more data than a length byte can announce: not encodable
  auto again = eno::parse_syn_option(*encoded);
  if (!again || again->teps != parsed->teps || again->global != global) std::abort();
  return 0;
}
