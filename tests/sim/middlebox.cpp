#include "tests/sim/middlebox.h"

#include <algorithm>

namespace sim {

std::optional<SegmentRepr> inspect(ByteView seg, const IpAddress& src, const IpAddress& dst) {
  auto r = proto::tcp::parse_segment(seg, src.bytes(), dst.bytes());
  if (!r) return std::nullopt;
  return *r;
}

Bytes rewrite(ByteView seg, const IpAddress& src, const IpAddress& dst, const SegmentEdit& edit) {
  auto r = inspect(seg, src, dst);
  if (!r) return Bytes(seg.begin(), seg.end());
  Bytes payload(r->payload.begin(), r->payload.end());
  edit(*r, payload);
  r->payload = payload;
  Bytes out(proto::tcp::kMaxHeaderLen + payload.size());
  auto n = r->emit(src.bytes(), dst.bytes(), out);
  if (!n) return Bytes(seg.begin(), seg.end());
  out.resize(*n);
  return out;
}

bool has_eno(const SegmentRepr& repr) {
  return std::any_of(repr.opts.unknown.begin(), repr.opts.unknown.end(),
                     [](ByteView o) { return !o.empty() && o[0] == proto::tcp::kOptEno; });
}

void strip_eno(SegmentRepr& repr) {
  auto& u = repr.opts.unknown;
  u.erase(std::remove_if(u.begin(), u.end(),
                         [](ByteView o) { return !o.empty() && o[0] == proto::tcp::kOptEno; }),
          u.end());
}

Link::Filter edit_when(const IpAddress& src, const IpAddress& dst,
                       std::function<bool(const SegmentRepr&)> match, SegmentEdit edit) {
  return [=](Bytes pkt) -> std::vector<Bytes> {
    auto r = inspect(pkt, src, dst);
    if (!r || !match(*r)) return {std::move(pkt)};
    return {rewrite(pkt, src, dst, edit)};
  };
}

}  // namespace sim
