#include "proto/tcp/segment.h"

#include "proto/ip/checksum.h"

namespace proto::tcp {
Result<SegmentView> SegmentView::parse(ByteView bytes) {
  if (bytes.size() < kHeaderLen) return fail(Errc::Truncated, "TCP header shorter than 20 bytes");
  size_t doff = size_t(bytes[12] >> 4) * 4;
  if (doff < kHeaderLen) return fail(Errc::BadValue, "TCP data offset below 5");
  if (doff > bytes.size()) return fail(Errc::Truncated, "TCP data offset past end of segment");
  return SegmentView(bytes);
}

Result<SegmentRepr> SegmentRepr::from(const SegmentView& v) {
  auto opts = TcpOptions::parse(v.options());
  if (!opts) return tl::unexpected(opts.error());
  SegmentRepr r;
  r.src_port = v.src_port();
  r.dst_port = v.dst_port();
  r.seq = v.seq();
  if (v.flags() & kAck) r.ack = v.ack();
  r.flags = uint8_t(v.flags() & ~kAck);
  r.window = v.window();
  r.urgent = v.urgent();
  r.opts = std::move(*opts);
  r.payload = v.payload();
  return r;
}

Result<size_t> SegmentRepr::wire_len() const {
  auto olen = opts.wire_len(has(kSyn));
  if (!olen) return olen;
  return kHeaderLen + *olen + payload.size();
}

Result<size_t> SegmentRepr::emit(ByteView src, ByteView dst, MutByteView out) const {
  auto olen = opts.wire_len(has(kSyn));
  if (!olen) return olen;
  size_t hlen = kHeaderLen + *olen;
  size_t total = hlen + payload.size();
  if (out.size() < total) return fail(Errc::TooLong, "segment does not fit the buffer");
  MutByteView seg = out.first(total);
  store_be16(seg, 0, src_port);
  store_be16(seg, 2, dst_port);
  store_be32(seg, 4, seq.v);
  store_be32(seg, 8, ack ? ack->v : 0);
  seg[12] = uint8_t((hlen / 4) << 4);
  seg[13] = uint8_t((flags & ~kAck) | (ack ? kAck : 0));
  store_be16(seg, 14, window);
  store_be16(seg, 16, 0);
  store_be16(seg, 18, urgent);
  if (auto st = opts.emit(has(kSyn), seg.subspan(kHeaderLen, *olen)); !st)
    return tl::unexpected(st.error());
  for (size_t i = 0; i < payload.size(); ++i) seg[hlen + i] = payload[i];
  store_be16(seg, 16, ip::tcp_checksum(src, dst, seg));
  return total;
}

Result<SegmentRepr> parse_segment(ByteView bytes, ByteView src, ByteView dst) {
  auto view = SegmentView::parse(bytes);
  if (!view) return tl::unexpected(view.error());
  if (!view->checksum_ok(src, dst)) return fail(Errc::BadChecksum, "TCP checksum mismatch");
  return SegmentRepr::from(*view);
}

std::optional<SegmentRepr> reset_for(const SegmentRepr& seg) {
  if (seg.has(kRst)) return std::nullopt;
  SegmentRepr r;
  r.src_port = seg.dst_port;
  r.dst_port = seg.src_port;
  r.flags = kRst;
  if (seg.ack) {
    r.seq = *seg.ack;
  } else {
    r.seq = SeqNum{0};
    r.ack = seg.seq + seg.seg_len();
  }
  return r;
}

}  // namespace proto::tcp
