// Which frames the impair-link middlebox rewrites (tamper.h does the rewriting): ENO stripping
// by segment role (SYN, SYN-ACK, the active opener's third ACK), altering the SYN's ENO option,
// and one-shot payload tampering or resegmentation of the frames in one direction.
//
// Deterministic and pure apart from its own state (per-flow third-ACK tracking, per-rewrite
// counters of payload-carrying segments); single-threaded. Frames it cannot parse pass through
// unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include "tools/impair_link/tamper.h"

namespace impair {

enum class Direction : uint8_t { AtoB, BtoA };

// Which segments --strip-eno names. "ThirdAck" is the first non-SYN segment of the host that
// sent a SYN, tracked per 4-tuple (RFC 8547 §4.6: its ENO option tells the passive opener
// that ENO succeeded).
enum class EnoStrip : uint8_t { None, Syn, SynAck, ThirdAck, All };

struct TamperConfig {
  EnoStrip strip_eno = EnoStrip::None;
  bool alter_syn_eno = false;
  // 1-based index N of the payload-carrying segment in tamper_dir to rewrite; 0 = off.
  uint32_t flip_payload_bit = 0;
  uint32_t flip_fin = 0;
  uint32_t inject_urg = 0;
  bool resegment = false;
  Direction tamper_dir = Direction::AtoB;
};

struct TamperCounters {
  uint64_t eno_stripped = 0, eno_altered = 0, alter_skipped = 0, bit_flipped = 0, fin_flipped = 0,
           urg_injected = 0, resegmented = 0;
};

class TamperPolicy {
 public:
  // Flows remembered while waiting for their third ACK; beyond this a SYN is not tracked.
  static constexpr size_t kMaxTrackedFlows = 65536;
  static constexpr uint16_t kInjectedUrgentPointer = 1;

  // Family byte, source and destination address (16 bytes each), source and destination port.
  using FlowKey = std::array<uint8_t, 37>;

  explicit TamperPolicy(const TamperConfig& cfg) : cfg_(cfg) {}

  // Rewrites `frame`, received in direction `dir`, and appends what to send in its place, in
  // order, to `out`: one frame, or two when it was resegmented.
  void process(Frame frame, Direction dir, std::vector<Frame>& out);

  const TamperCounters& counters() const { return counters_; }

 private:
  // A one-shot rewrite of the N-th payload-carrying segment in the tamper direction. Counting
  // stops once it fired, so retransmissions of that segment pass unchanged.
  struct OneShot {
    uint32_t target;
    uint32_t seen = 0;
    bool fires_now();
  };

  void apply_eno_rules(Frame& frame, const TcpLayout& l, uint8_t flags);
  bool is_third_ack(const Frame& frame, const TcpLayout& l, uint8_t flags);

  TamperConfig cfg_;
  TamperCounters counters_;
  OneShot flip_bit_{cfg_.flip_payload_bit};
  OneShot flip_fin_{cfg_.flip_fin};
  OneShot inject_urg_{cfg_.inject_urg};
  // 4-tuples of active openers that sent a SYN and no non-SYN segment yet.
  std::set<FlowKey> awaiting_third_ack_;
};

}  // namespace impair
