// The seam between TCP-ENO and the TEPs it negotiates. ENO (RFC 8547) parses options,
// assigns roles and picks "the last valid TEP in B's option" (§4.5); whether a TEP's
// suboptions are *valid* (§4.5 rules 2 and 3) and what a passive opener answers are
// decided by the TEP, through this interface. proto/tcpcrypt implements it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/common/bytes.h"

namespace proto::eno {

// One TEP suboption as it appeared in a SYN-form option (RFC 8547 §4.1).
struct TepSuboption {
  uint8_t tep = 0;           // glt, 0x20..0x7f
  bool v = false;            // the v bit as sent
  Bytes data;                // suboption data (empty when v = 0)
  bool length_byte = false;  // introduced by a length byte (§4.4)

  uint8_t wire_byte() const { return uint8_t(tep | (v ? 0x80 : 0x00)); }
  friend bool operator==(const TepSuboption&, const TepSuboption&) = default;
};

// What the TEP concluded about one TEP identifier present in both options.
struct TepVerdict {
  bool valid = false;       // RFC 8547 §4.5: may be negotiated
  bool resumption = false;  // tcpcrypt: session resumption instead of fresh key agreement
};

class TepPolicy {
 public:
  virtual ~TepPolicy() = default;

  // True if this host implements and currently allows the TEP.
  virtual bool supports(uint8_t tep) const = 0;

  // Judges one TEP that appears in both options. from_a / from_b hold every suboption
  // for this TEP from host A's and host B's option, in order (so repetitions are
  // visible). Both hosts call this with the same transcript and must agree.
  virtual TepVerdict judge(uint8_t tep, std::span<const TepSuboption> from_a,
                           std::span<const TepSuboption> from_b) = 0;

  // Passive opener (always host B): the TEP suboptions to put in the SYN-ACK, given the
  // active opener's TEP suboptions in order. Empty = nothing acceptable (the SYN-ACK then
  // carries a vacuous option with b = 1, or ENO is disabled; the caller decides).
  // RFC 8547 §4.5: SHOULD be a single, valid TEP.
  virtual std::vector<TepSuboption> passive_reply(std::span<const TepSuboption> offered) = 0;
};

}  // namespace proto::eno
