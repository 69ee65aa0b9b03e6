#include "tools/impair_link/tamper_policy.h"

#include <algorithm>

namespace impair {
namespace {

// Family, source address, destination address and both ports of an accepted frame (IPv4
// addresses zero-padded).
TamperPolicy::FlowKey flow_key(const Frame& f, const TcpLayout& l) {
  TamperPolicy::FlowKey key{};
  const size_t addr_len = l.v6 ? 16 : 4;
  const size_t src = l.v6 ? l.ip + 8 : l.ip + 12;
  key[0] = l.v6 ? 6 : 4;
  std::copy_n(f.begin() + ptrdiff_t(src), addr_len, key.begin() + 1);
  std::copy_n(f.begin() + ptrdiff_t(src + addr_len), addr_len, key.begin() + 17);
  std::copy_n(f.begin() + ptrdiff_t(l.tcp), 4, key.begin() + 33);
  return key;
}

}  // namespace

bool TamperPolicy::OneShot::fires_now() {
  if (target == 0 || seen >= target) return false;
  return ++seen == target;
}

bool TamperPolicy::is_third_ack(const Frame& frame, const TcpLayout& l, uint8_t flags) {
  const bool syn = flags & kSyn, ack = flags & kAck;
  if (syn && !ack) {
    if (awaiting_third_ack_.size() < kMaxTrackedFlows) awaiting_third_ack_.insert(flow_key(frame, l));
    return false;
  }
  if (syn) return false;
  return awaiting_third_ack_.erase(flow_key(frame, l)) > 0;
}

void TamperPolicy::apply_eno_rules(Frame& frame, const TcpLayout& l, uint8_t flags) {
  const bool syn = flags & kSyn, ack = flags & kAck;
  const bool third_ack = is_third_ack(frame, l, flags);
  bool strip = false;
  switch (cfg_.strip_eno) {
    case EnoStrip::None: break;
    case EnoStrip::Syn: strip = syn && !ack; break;
    case EnoStrip::SynAck: strip = syn && ack; break;
    case EnoStrip::ThirdAck: strip = third_ack; break;
    case EnoStrip::All: strip = true; break;
  }
  if (strip && strip_eno(frame)) ++counters_.eno_stripped;
  if (cfg_.alter_syn_eno && syn && !ack) {
    switch (alter_eno_tep(frame)) {
      case AlterResult::NotApplicable: break;
      case AlterResult::Altered: ++counters_.eno_altered; break;
      case AlterResult::Skipped: ++counters_.alter_skipped; break;
    }
  }
}

void TamperPolicy::process(Frame frame, Direction dir, std::vector<Frame>& out) {
  const auto l = locate_tcp(frame);
  if (!l) {
    out.push_back(std::move(frame));
    return;
  }
  const uint8_t flags = tcp_flags(frame, *l);
  apply_eno_rules(frame, *l, flags);
  // Only length-preserving rewrites above: *l still describes the frame.
  if (dir != cfg_.tamper_dir || l->payload_len() == 0 || (flags & kSyn)) {
    out.push_back(std::move(frame));
    return;
  }
  if (flip_bit_.fires_now() && flip_payload_bit(frame)) ++counters_.bit_flipped;
  if (flip_fin_.fires_now() && toggle_fin(frame)) ++counters_.fin_flipped;
  if (inject_urg_.fires_now() && set_urgent(frame, kInjectedUrgentPointer)) ++counters_.urg_injected;
  if (cfg_.resegment) {
    if (auto halves = resegment(frame)) {
      ++counters_.resegmented;
      out.push_back(std::move(halves->first));
      out.push_back(std::move(halves->second));
      return;
    }
  }
  out.push_back(std::move(frame));
}

}  // namespace impair
