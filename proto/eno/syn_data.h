// Decisions about data carried in SYN segments with an ENO option (RFC 8547 §4.7).
//
// This implementation never sends SYN data (Negotiator::syn_data_allowed() is false,
// ENO-21) and no TEP it knows defines any, but the receive rule applies to every host
// that implements ENO, even with ENO disabled by configuration (ENO-19). The TCP layer
// asks these pure functions and acts: a discarded payload is not acknowledged (only the
// peer's ISN is), and data is then taken only from non-SYN segments.
#pragma once

#include <cstdint>
#include <optional>

namespace proto::eno {

struct ReceivedSynData {
  bool segment_has_eno = false;         // the SYN carried an ENO option (well-formed or not)
  std::optional<uint8_t> syn_tep;       // last TEP identifier in that option (§4.7 "SYN TEP")
  std::optional<uint8_t> negotiated_tep;  // nullopt when ENO failed or is disabled
  bool tep_defines_syn_data = false;    // the negotiated TEP's spec gives SYN data a meaning
  bool conflicting_option = false;      // non-empty TFO option or another SYN-data option
};

// True when the payload of a received SYN+ENO segment must be thrown away (§4.7, four
// cases). A SYN without ENO is outside this rule: false.
bool must_discard_syn_data(const ReceivedSynData& syn);

struct SentSynData {
  bool sent_syn_data = false;           // our SYN-only segment with ENO carried data
  bool data_acknowledged = false;       // the peer acknowledged that data
  bool syn_ack_had_eno = true;          // the SYN-ACK received carried an ENO option
  std::optional<uint8_t> own_syn_tep;   // last TEP identifier in our SYN option
  std::optional<uint8_t> negotiated_tep;  // nullopt when ENO failed
  bool unacked_data_may_survive = false;  // the optional non-default API mode of §4.7
};

// True when the sender of SYN data must abort the connection (§4.7, ENO-20).
bool must_abort_after_syn_data(const SentSynData& sent);

}  // namespace proto::eno
