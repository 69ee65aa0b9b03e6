// Fuzz target for TCP-ENO negotiation (RFC 8547 §4.3-§4.8): the pure negotiate() on two
// fuzzed SYN-form options, and two Negotiator state machines fed the fuzzed options as the
// peer's, in segments chosen by a fuzzed script.
//
// Input: split(1) | script_len(1) | script(script_len % 33) | options. The options bytes
// are cut at split into option 1 and option 2. Script bytes (per segment): bits 0-1 = what
// happens (0: receive, 1: send, 2: local disable, 3: receive with `45 02`), bit 2 = SYN,
// bit 3 = ACK, bits 4-5 = ENO options in a received segment (none, 1, 2, both). An empty
// script runs the ordinary handshake.
//
// Invariants: negotiate() is symmetric in its arguments and, when it negotiates, the
// transcript is A's option | B's option (§4.8) with A the one with b = 0; the state machine
// leaves Disabled and Enabled never, sends no ENO option once Disabled except a vacuous
// SYN-form reply (ENO-14), and when Enabled its transcript contains its own SYN option and
// its outcome is negotiate()'s on the same options.
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "crypto/random.h"
#include "proto/eno/negotiation.h"
#include "proto/eno/negotiator.h"
#include "proto/tcpcrypt/suboptions.h"
#include "proto/tcpcrypt/tep_policy.h"
#include "tests/fuzz/fuzz_input.h"

using namespace proto;

namespace {

// SYN / SYN-ACK / ACK / ACK, as an active opener sees it (a passive one mirrors it).
constexpr uint8_t kHandshake[] = {0x05 | 0x10, 0x09, 0x08 | 0x20, 0x01 | 0x08};

tcpcrypt::PolicyConfig any_halves() {
  tcpcrypt::PolicyConfig cfg;
  cfg.accept_any_halves = true;
  return cfg;
}

void check_negotiated(const eno::Negotiated& n) {
  FUZZ_CHECK(n.transcript == concat({n.option_a.raw, n.option_b.raw}));
  FUZZ_CHECK(!n.option_a.b() && n.option_b.b());
  FUZZ_CHECK(n.option_a.offers(n.tep) && n.option_b.offers(n.tep));
  FUZZ_CHECK((n.tep_byte & tcpcrypt::kTepIdMask) == n.tep);
}

void check_pure(ByteView one, ByteView two) {
  crypto::DeterministicRandom rng(1);
  tcpcrypt::TcpcryptPolicy policy(any_halves(), rng);
  eno::Outcome forward = eno::negotiate(one, two, policy);
  eno::Outcome backward = eno::negotiate(two, one, policy);
  FUZZ_CHECK(forward.index() == backward.index());
  if (auto* off = std::get_if<eno::Disabled>(&forward)) {
    FUZZ_CHECK(*off == std::get<eno::Disabled>(backward));
    return;
  }
  const auto& f = std::get<eno::Negotiated>(forward);
  const auto& b = std::get<eno::Negotiated>(backward);
  check_negotiated(f);
  FUZZ_CHECK(f.tep == b.tep && f.tep_byte == b.tep_byte && f.transcript == b.transcript);
  bool one_is_a = f.option_a.raw == Bytes(one.begin(), one.end());
  FUZZ_CHECK(f.transcript == (one_is_a ? concat({one, two}) : concat({two, one})));
}

// One Negotiator driven by the script; the peer's options are the fuzzed ones.
void run_machine(eno::Opener opener, bool vacuous_reply, ByteView script,
                 const std::array<ByteView, 2>& options) {
  crypto::DeterministicRandom rng(2);
  tcpcrypt::TcpcryptPolicy policy(any_halves(), rng);
  eno::NegotiatorConfig cfg;
  cfg.randomness_ready = true;
  cfg.vacuous_reply = vacuous_reply;
  cfg.offer = {tcpcrypt::fresh_suboption(tcpcrypt::kTepP256),
               tcpcrypt::fresh_suboption(tcpcrypt::kTepX25519)};
  eno::Negotiator machine(opener, cfg, policy);
  Bytes own_syn;
  for (uint8_t step : script) {
    const eno::NegotiationState before = machine.state();
    eno::SegmentFlags flags{(step & 0x04) != 0, (step & 0x08) != 0};
    std::vector<ByteView> found;
    switch (step & 0x03) {
      case 0:
        for (size_t i = 0; i < 2; ++i)
          if (step & (0x10 << i)) found.push_back(options[i]);
        machine.on_segment_received(flags, found);
        break;
      case 1: {
        auto sent = machine.option_for_next_segment(flags);
        if (!sent) break;
        FUZZ_CHECK(flags.syn || std::ranges::equal(*sent, eno::kNonSynOption));
        if (before == eno::NegotiationState::Disabled) {  // ENO-14
          auto parsed = eno::parse_syn_option(*sent);
          FUZZ_CHECK(flags.syn && vacuous_reply && parsed && parsed->vacuous() && parsed->b());
        } else if (flags.syn) {
          if (own_syn.empty()) own_syn.assign(sent->begin(), sent->end());
          FUZZ_CHECK(own_syn == Bytes(sent->begin(), sent->end()));  // ENO-15
        }
        break;
      }
      case 2:
        machine.on_local_disable();
        FUZZ_CHECK(machine.state() != eno::NegotiationState::Pending);
        break;
      case 3:
        found.push_back(ByteView(eno::kNonSynOption));
        machine.on_segment_received(flags, found);
        break;
    }
    if (before != eno::NegotiationState::Pending) FUZZ_CHECK(machine.state() == before);
    const bool disabled = machine.state() == eno::NegotiationState::Disabled;
    FUZZ_CHECK(disabled == machine.disable_reason().has_value());
    if (machine.state() == eno::NegotiationState::Enabled) {
      const eno::Negotiated* n = machine.negotiated();
      FUZZ_CHECK(n != nullptr);
      check_negotiated(*n);
      const Bytes& own = machine.local_role() == eno::Role::A ? n->option_a.raw : n->option_b.raw;
      FUZZ_CHECK(own_syn.empty() || own == own_syn);  // a script may skip the SYN
      // The machine's outcome is the pure function's on the same two options.
      crypto::DeterministicRandom judge_rng(3);
      tcpcrypt::TcpcryptPolicy judge(any_halves(), judge_rng);
      auto pure = eno::negotiate(n->option_a.raw, n->option_b.raw, judge);
      const auto* agreed = std::get_if<eno::Negotiated>(&pure);
      FUZZ_CHECK(agreed && agreed->tep == n->tep && agreed->tep_byte == n->tep_byte);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::FuzzInput in(data, size);
  const uint8_t split = in.byte();
  ByteView script = in.take(in.byte() % 33);
  ByteView body = in.rest();
  const size_t cut = std::min<size_t>(split, body.size());
  const std::array<ByteView, 2> options{body.first(cut), body.subspan(cut)};
  check_pure(options[0], options[1]);
  if (script.empty()) script = ByteView(kHandshake);
  for (eno::Opener opener : {eno::Opener::Active, eno::Opener::Passive})
    run_machine(opener, (split & 1) != 0, script, options);
  return 0;
}
