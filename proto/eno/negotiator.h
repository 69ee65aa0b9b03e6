// Per-connection TCP-ENO state machine (RFC 8547 §4.6), sans-IO.
//
// The TCP connection owns one Negotiator and drives it:
//   * for every segment it receives during and after the handshake:
//       on_segment_received({syn, ack}, the kind-69 options found in that segment);
//   * for every segment it builds: option_for_next_segment({syn, ack}) and, when that
//     returns bytes, puts them verbatim in the segment. Calling it means the segment is
//     sent: an ACK segment that got an option counts as "sent an ACK segment with ENO".
//   * state(): Pending until an ACK segment with ENO was both sent and received
//     (Enabled, ENO-16) or a fallback rule fired (Disabled, final: ENO-14).
// Roles: an active opener has b = 0 unless config.passive_role_bit (simultaneous open);
// a passive opener always has b = 1 (ENO-4). The TepPolicy is borrowed and must outlive
// the Negotiator. Single-threaded; no I/O, no clock, no randomness of its own.
//
// Not in this layer: the TCP handshake itself, SYN retransmission timers, "mandatory
// encryption" aborts, and SYN data handling (see syn_data.h for the decisions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/common/bytes.h"
#include "proto/eno/constants.h"
#include "proto/eno/negotiation.h"
#include "proto/eno/option.h"
#include "proto/eno/tep_policy.h"

namespace proto::eno {

enum class Opener : uint8_t { Active, Passive };

struct SegmentFlags {
  bool syn = false;
  bool ack = false;
};

struct NegotiatorConfig {
  bool enabled = true;             // false: ENO off for this connection, no option sent
  bool randomness_ready = false;   // §10, ENO-28: no ENO option is ever sent while false
  bool passive_role_bit = false;   // active opener only: send b = 1 (simultaneous open, §4.2)
  bool app_aware = false;          // local a bit (§4.2, default 0)
  bool app_aware_mandatory = false;  // disable unless the peer sent a = 1 (§4.2)
  // Active opener: TEP suboptions for the SYN, in increasing order of preference (the
  // order matters when this host ends up as B). Ignored by a passive opener, which asks
  // TepPolicy::passive_reply().
  std::vector<TepSuboption> offer;
  // Bytes of TCP option space the ENO option may use (the TCP layer subtracts MSS, WS,
  // SACK-permitted, timestamps). An option that does not fit disables ENO.
  size_t option_budget = kMaxTcpOptionSpace;
  // Passive opener: when a well-formed SYN ENO option arrives but ENO cannot be used here
  // (configured off, no acceptable TEP, peer not application-aware), answer with a vacuous
  // option (b = 1) instead of none. RFC 8547 §4.6 allows it ("supported but unavailable");
  // off by default because rule "refrain from sending further ENO options" reads stricter.
  bool vacuous_reply = false;
};

enum class NegotiationState : uint8_t { Pending, Enabled, Disabled };

class Negotiator {
 public:
  Negotiator(Opener opener, NegotiatorConfig config, TepPolicy& policy);

  // Input: one received segment. eno_options are the complete kind-69 options it carried
  // (e.g. EnoOptionsFound::options). Never fails; fallback shows in state().
  void on_segment_received(SegmentFlags flags, std::span<const ByteView> eno_options);

  // Output: the ENO option for a segment about to be sent, or nullopt for none. SYN
  // segments get the SYN-form option (identical on every retransmission and in the
  // SYN-ACK of a simultaneous open, ENO-15); other segments get `45 02` until ENO is
  // disabled or a non-SYN segment has been received (ENO-13). The view stays valid for
  // the Negotiator's lifetime.
  std::optional<ByteView> option_for_next_segment(SegmentFlags flags);

  // The host gives up ENO, e.g. an active opener retransmitting its SYN without ENO to
  // pass a middlebox (§4.6 exception 1). No more ENO options are sent. A no-op once
  // Enabled (ENO-16: encryption then stays on) or Disabled.
  void on_local_disable();

  NegotiationState state() const { return state_; }
  std::optional<DisableReason> disable_reason() const { return reason_; }
  // The outcome once both SYN-form options are known and compatible; nullptr before and
  // when Disabled. ENO is in force only when state() == Enabled.
  const Negotiated* negotiated() const;
  // §4.3: this host's role follows its own b bit.
  Role local_role() const { return (local_global_ & kGlobalB) != 0 ? Role::B : Role::A; }
  uint8_t local_global() const { return local_global_; }
  // First global suboption of the peer's SYN-form option (0x00 if it sent none); nullopt
  // until a well-formed one was received (§4.2: API to read the peer's a bit).
  std::optional<uint8_t> peer_global() const;
  // §4.7, ENO-21: SYN data is off; this implementation never sends or accepts it.
  static constexpr bool syn_data_allowed() { return false; }

 private:
  void build_active_option();
  void on_peer_syn(SegmentFlags flags, ByteView option);
  bool build_passive_reply(const SynOption& peer);
  void conclude(const SynOption& peer);
  void disable(DisableReason reason);
  void disable_with_vacuous_reply(DisableReason reason);
  void maybe_enable();

  Opener opener_;
  NegotiatorConfig config_;
  TepPolicy& policy_;
  NegotiationState state_ = NegotiationState::Pending;
  std::optional<DisableReason> reason_;
  uint8_t local_global_ = kImplicitGlobal;
  Bytes local_syn_;       // our SYN-form option; empty until known
  Bytes vacuous_reply_;   // passive, disabled: vacuous SYN-ACK option (config.vacuous_reply)
  std::optional<SynOption> peer_syn_;
  std::optional<Negotiated> negotiated_;
  bool ack_received_ = false;           // an ACK segment has been received
  bool non_syn_received_ = false;       // ENO-13: stop sending `45 02`
  bool ack_with_eno_sent_ = false;      // ENO-16
  bool ack_with_eno_received_ = false;  // ENO-16
};

}  // namespace proto::eno
