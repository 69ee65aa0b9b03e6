// SYN-form ENO option codec (RFC 8547 §4.1, §4.2, §4.4).
//
// parse_syn_option() reads one complete option (kind, length, contents) as it appeared in
// a SYN segment; encode_syn_option() builds one. Both are pure, allocate only their
// result, and are safe on any input: a malformed option is Errc::BadEnoOption, never a
// crash. The non-SYN form needs no codec: senders emit kNonSynOption (`45 02`, ENO-1) and
// receivers only note its presence, ignoring the contents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/eno/constants.h"
#include "proto/eno/tep_policy.h"

namespace proto::eno {

// One SYN-form ENO option, parsed. Owns copies of everything it refers to.
struct SynOption {
  uint8_t global = kImplicitGlobal;  // first global suboption, 0x00 if none (§4.2)
  bool has_explicit_global = false;  // a global suboption byte was present
  std::vector<TepSuboption> teps;    // TEP suboptions in order; length bytes folded in
  Bytes raw;                         // the option exactly as received (transcript, §4.8)
  // Every global suboption byte in order, with the number of TEP suboptions before it, so
  // the option's exact element order can be reported (test vectors, diagnostics).
  struct GlobalAt {
    uint8_t value;
    size_t teps_before;
    friend bool operator==(const GlobalAt&, const GlobalAt&) = default;
  };
  std::vector<GlobalAt> globals;

  bool b() const { return (global & kGlobalB) != 0; }
  bool a() const { return (global & kGlobalA) != 0; }
  // §4.6: an option without TEP suboptions.
  bool vacuous() const { return teps.empty(); }
  // §4.7: the "SYN TEP" (last TEP identifier), nullopt for a vacuous option.
  std::optional<uint8_t> syn_tep() const;
  // Every suboption for `tep`, in order (for TepPolicy::judge).
  std::vector<TepSuboption> suboptions_for(uint8_t tep) const;
  bool offers(uint8_t tep) const;
};

// Parses a complete SYN-form option. Errc::BadEnoOption when the kind is not 69, the
// length byte differs from option.size(), a length byte is the last byte, is followed by
// a byte in 0x00..0x9f, or announces data beyond the option's end (§4.4, ENO-11).
// Later global suboptions are skipped (§4.2, ENO-3); z bits are kept in `global` but
// nothing reads them (ENO-6).
Result<SynOption> parse_syn_option(ByteView option);

// Builds a SYN-form option. `global` nullopt omits the global suboption (implicit 0x00);
// a passive opener must pass one (§4.2). For each TEP suboption a length byte is written
// when it has v = 1 and is not last (§4.4, ENO-9), or when it is last and asks for one
// (`length_byte`). Errors:
//   InvalidArgument: global >= 0x20 or with z bits set (ENO-6); TEP id outside
//     0x20..0x7f; data with v = 0; length_byte with v = 0; a suboption that needs a length
//     byte with 0 or more than 32 bytes of data;
//   TooLong: the option would exceed min(max_len, 40) bytes.
Result<Bytes> encode_syn_option(std::optional<uint8_t> global,
                                std::span<const TepSuboption> teps,
                                size_t max_len = kMaxTcpOptionSpace);

}  // namespace proto::eno
