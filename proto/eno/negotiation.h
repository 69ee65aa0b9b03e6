// Pure TCP-ENO negotiation (RFC 8547 §4.3, §4.5, §4.6, §4.8): from the two SYN-form ENO
// options of a connection to "disabled, because ..." or "TEP t, transcript T".
//
// Both hosts run the same function on the same two options and reach the same result,
// whoever is local. Mandatory application-aware mode is not applied here: it is a local
// setting, applied by Negotiator (or the caller) from the outcome's global bytes.
#pragma once

#include <cstdint>
#include <variant>

#include "proto/common/bytes.h"
#include "proto/eno/option.h"
#include "proto/eno/tep_policy.h"

namespace proto::eno {

// Why ENO is off for a connection. Stable names via disable_reason_name().
enum class DisableReason : uint8_t {
  ConfiguredOff,       // the local configuration disabled ENO
  NoRandomness,        // no good randomness source yet (§10, ENO-28)
  LocalDisable,        // the host disabled ENO itself (e.g. SYN retransmission, §4.6)
  MissingOption,       // a segment up to the first received ACK had no ENO (§4.6 rule 1)
  MultipleSynOptions,  // a SYN held two or more ENO options (§4.1, ENO-2)
  MalformedOption,     // ill-formed SYN-form option (§4.4, ENO-11)
  RoleClash,           // both options carry the same b bit (§4.3, §4.6 rule 3)
  PeerNotAppAware,     // mandatory application-aware mode and the peer sent a = 0 (§4.2)
  VacuousOption,       // an option with no TEP suboption (§4.6, ENO-17)
  NoValidTep,          // no TEP valid for both (§4.5, §4.6 rule 2)
  SynOptionChanged,    // the peer's SYN-form option changed between its SYNs (§4.6, ENO-15)
  OptionTooLong,       // the local option does not fit the option budget
  InvalidLocalOption,  // the local offer or TEP reply cannot be encoded (bad suboption)
};
const char* disable_reason_name(DisableReason reason);

enum class Role : uint8_t { A, B };  // §4.3: A sent b = 0, B sent b = 1

struct Disabled {
  DisableReason reason;
  friend bool operator==(const Disabled&, const Disabled&) = default;
};

struct Negotiated {
  uint8_t tep = 0;         // negotiated TEP identifier, 0x20..0x7f
  uint8_t tep_byte = 0;    // the byte B sent for it, v bit included (session ID byte 0, §5.1)
  bool resumption = false; // from the TEP's verdict
  Bytes transcript;        // A's option | B's option, verbatim (§4.8)
  SynOption option_a;      // host A's option, parsed
  SynOption option_b;      // host B's option, parsed
};

using Outcome = std::variant<Disabled, Negotiated>;

// Negotiates from two complete SYN-form options, given in either order: the one with
// b = 0 is host A's (§4.3). Disabled when either option is ill-formed, both b bits are
// equal, either option is vacuous, or no TEP is valid. A TEP is valid when both options
// carry it, policy.supports() it and policy.judge() says so (§4.5); the result is the
// last valid TEP in B's option. When B repeats that TEP, tep_byte is its last suboption's.
// judge() is called for B's TEPs from the last one backwards, until one is valid.
Outcome negotiate(ByteView one_option, ByteView other_option, TepPolicy& policy);

}  // namespace proto::eno
