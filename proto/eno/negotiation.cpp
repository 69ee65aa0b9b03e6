#include "proto/eno/negotiation.h"

#include <bitset>
#include <utility>

namespace proto::eno {

const char* disable_reason_name(DisableReason reason) {
  switch (reason) {
    case DisableReason::ConfiguredOff: return "disabled by configuration";
    case DisableReason::NoRandomness: return "no randomness source";
    case DisableReason::LocalDisable: return "disabled by the local host";
    case DisableReason::MissingOption: return "peer segment without ENO option";
    case DisableReason::MultipleSynOptions: return "several ENO options in a SYN";
    case DisableReason::MalformedOption: return "malformed ENO option";
    case DisableReason::RoleClash: return "both hosts sent the same b bit";
    case DisableReason::PeerNotAppAware: return "peer is not application-aware";
    case DisableReason::VacuousOption: return "vacuous ENO option";
    case DisableReason::NoValidTep: return "no valid TEP";
    case DisableReason::SynOptionChanged: return "peer SYN option changed";
    case DisableReason::OptionTooLong: return "ENO option does not fit";
    case DisableReason::InvalidLocalOption: return "local ENO option invalid";
  }
  return "unknown";
}

Outcome negotiate(ByteView one_option, ByteView other_option, TepPolicy& policy) {
  auto one = parse_syn_option(one_option);
  auto other = parse_syn_option(other_option);
  if (!one || !other) return Disabled{DisableReason::MalformedOption};
  if (one->b() == other->b()) return Disabled{DisableReason::RoleClash};
  if (one->vacuous() || other->vacuous()) return Disabled{DisableReason::VacuousOption};

  const bool one_is_a = !one->b();
  SynOption a = std::move(one_is_a ? *one : *other);
  SynOption b = std::move(one_is_a ? *other : *one);

  // §4.5: the last valid TEP identifier in B's option. Each TEP is judged once.
  std::bitset<kTepMax + 1> judged;
  for (auto it = b.teps.rbegin(); it != b.teps.rend(); ++it) {
    const uint8_t tep = it->tep;
    if (judged.test(tep)) continue;
    judged.set(tep);
    if (!a.offers(tep) || !policy.supports(tep)) continue;
    const auto from_a = a.suboptions_for(tep);
    const auto from_b = b.suboptions_for(tep);
    const TepVerdict verdict = policy.judge(tep, from_a, from_b);
    if (!verdict.valid) continue;
    Negotiated n;
    n.tep = tep;
    n.tep_byte = from_b.back().wire_byte();
    n.resumption = verdict.resumption;
    n.transcript = concat({a.raw, b.raw});
    n.option_a = std::move(a);
    n.option_b = std::move(b);
    return n;
  }
  return Disabled{DisableReason::NoValidTep};
}

}  // namespace proto::eno
