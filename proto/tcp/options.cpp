#include "proto/tcp/options.h"

namespace proto::tcp {
namespace {

size_t unknown_len(const TcpOptions& o) {
  size_t n = 0;
  for (auto u : o.unknown) n += u.size();
  return n;
}

size_t pad4(size_t n) { return (n + 3) & ~size_t(3); }

// Non-SYN layout: NOP NOP TS, extras, NOP NOP SACK.
size_t sack_len(const TcpOptions& o) { return o.sack_count ? 2 + 2 + 8 * size_t(o.sack_count) : 0; }

}  // namespace

size_t TcpOptions::unpadded_len(bool syn) const {
  const TcpOptions& o = *this;
  size_t n = unknown_len(o);
  if (o.mss) n += 4;
  if (o.window_scale) n += 3;
  if (syn) {
    if (o.sack_permitted) n += 2;
    if (o.timestamps) n += 10;
  } else {
    if (o.timestamps) n += 12;
    n += sack_len(o);
  }
  return n;
}

namespace {

class Writer {
 public:
  explicit Writer(MutByteView out) : out_(out) {}
  void u8(uint8_t v) { out_[at_++] = v; }
  void be16(uint16_t v) { store_be16(out_, at_, v), at_ += 2; }
  void be32(uint32_t v) { store_be32(out_, at_, v), at_ += 4; }
  void raw(ByteView b) {
    for (uint8_t x : b) out_[at_++] = x;
  }
  void pad() {
    while (at_ < out_.size()) out_[at_++] = kOptEol;  // EOL then zeros (RFC 9293 §3.1)
  }

 private:
  MutByteView out_;
  size_t at_ = 0;
};

}  // namespace

Result<size_t> TcpOptions::wire_len(bool syn) const {
  size_t n = pad4(unpadded_len(syn));
  if (n > kMaxOptionBytes) return fail(Errc::TooLong, "TCP options exceed 40 bytes");
  return n;
}

Status TcpOptions::emit(bool syn, MutByteView out) const {
  auto len = wire_len(syn);
  if (!len) return tl::unexpected(len.error());
  if (out.size() != *len) return fail(Errc::InvalidArgument, "options buffer size mismatch");
  Writer w(out);
  if (mss) w.u8(kOptMss), w.u8(4), w.be16(*mss);
  if (syn && sack_permitted) w.u8(kOptSackPermitted), w.u8(2);
  if (timestamps) {
    if (!syn) w.u8(kOptNop), w.u8(kOptNop);
    w.u8(kOptTimestamps), w.u8(10), w.be32(timestamps->val), w.be32(timestamps->ecr);
  }
  if (window_scale) w.u8(kOptWindowScale), w.u8(3), w.u8(*window_scale);
  for (auto u : unknown) w.raw(u);
  if (!syn && sack_count) {
    w.u8(kOptNop), w.u8(kOptNop), w.u8(kOptSack), w.u8(uint8_t(2 + 8 * sack_count));
    for (size_t i = 0; i < sack_count; ++i) w.be32(sack[i].left.v), w.be32(sack[i].right.v);
  }
  w.pad();
  return {};
}

Result<TcpOptions> TcpOptions::parse(ByteView raw) {
  TcpOptions o;
  size_t at = 0;
  while (at < raw.size()) {
    uint8_t kind = raw[at];
    if (kind == kOptEol) break;
    if (kind == kOptNop) {
      ++at;
      continue;
    }
    if (at + 1 >= raw.size()) return fail(Errc::Truncated, "TCP option without length");
    size_t len = raw[at + 1];
    if (len < 2) return fail(Errc::BadValue, "TCP option length below 2");
    if (at + len > raw.size()) return fail(Errc::Truncated, "TCP option runs past header");
    ByteView body = raw.subspan(at + 2, len - 2);
    switch (kind) {
      case kOptMss:
        if (len != 4) return fail(Errc::BadValue, "MSS option length");
        o.mss = load_be16(body, 0);
        break;
      case kOptWindowScale:
        if (len != 3) return fail(Errc::BadValue, "window scale option length");
        o.window_scale = body[0] > kMaxWindowScale ? kMaxWindowScale : body[0];
        break;
      case kOptSackPermitted:
        if (len != 2) return fail(Errc::BadValue, "SACK-permitted option length");
        o.sack_permitted = true;
        break;
      case kOptSack: {
        size_t n = (len - 2) / 8;
        if ((len - 2) % 8 != 0 || n == 0 || n > kMaxSackBlocks)
          return fail(Errc::BadValue, "SACK option length");
        o.sack_count = uint8_t(n);
        for (size_t i = 0; i < n; ++i)
          o.sack[i] = SackBlock{SeqNum{load_be32(body, 8 * i)}, SeqNum{load_be32(body, 8 * i + 4)}};
        break;
      }
      case kOptTimestamps:
        if (len != 10) return fail(Errc::BadValue, "timestamps option length");
        o.timestamps = Timestamps{load_be32(body, 0), load_be32(body, 4)};
        break;
      default:
        o.unknown.push_back(raw.subspan(at, len));
        break;
    }
    at += len;
  }
  return o;
}

}  // namespace proto::tcp
