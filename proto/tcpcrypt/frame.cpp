#include "proto/tcpcrypt/frame.h"

#include <algorithm>
#include <cstring>

namespace proto::tcpcrypt {

namespace {

constexpr uint8_t kCresMask = uint8_t(~kControlRekey);
constexpr uint8_t kFresMask = uint8_t(~(kFlagFinp | kFlagUrgp));

Error auth_failed(const char* why) { return Error{Errc::AuthFailed, why}; }

}  // namespace

FrameNonce frame_id(uint64_t offset) {
  FrameNonce id{};
  store_be64(id, kFrameIdZeroLen, offset);
  return id;
}

FrameNonce frame_nonce(ByteView nr, uint64_t offset) {
  FrameNonce n = frame_id(offset);
  for (size_t i = 0; i < n.size() && i < nr.size(); ++i) n[i] ^= nr[i];
  return n;
}

uint8_t control_byte(const FrameFields& f) { return f.rekey ? kControlRekey : 0; }

uint8_t flags_byte(const FrameFields& f) {
  return uint8_t((f.finp ? kFlagFinp : 0) | (f.urgent ? kFlagUrgp : 0));
}

Result<std::variant<NeedMore, size_t>> frame_extent(ByteView buffered) {
  if (buffered.size() < kFrameHeaderLen)
    return std::variant<NeedMore, size_t>{NeedMore{kFrameHeaderLen - buffered.size()}};
  size_t clen = load_be16(buffered, 1);
  // Interpretation 16: no room for the flags byte and the tag -> FAIL.
  if (clen < kMinClen) return tl::unexpected(auth_failed("clen below 17"));
  return std::variant<NeedMore, size_t>{kFrameHeaderLen + clen};
}

FrameKey::FrameKey(crypto::Aead aead, ByteView nr) : aead_(std::move(aead)) {
  std::copy_n(nr.begin(), nr_.size(), nr_.begin());
}

Result<FrameKey> FrameKey::create(AeadId aead, ByteView traffic_key) {
  const crypto::AeadInfo* info = crypto::aead_info(uint16_t(aead));
  if (!info) return fail(Errc::InvalidArgument, "unknown AEAD");
  if (traffic_key.size() != traffic_key_len(*info))
    return fail(Errc::InvalidArgument, "traffic key length");
  // Fig. 4: K = first ae_key_len bytes, NR = the next ae_nonce_len bytes.
  auto ctx = crypto::Aead::create(aead, traffic_key.first(info->key_len));
  if (!ctx) return tl::unexpected(ctx.error());
  return FrameKey(std::move(*ctx), traffic_key.subspan(info->key_len));
}

Status FrameKey::seal(uint64_t offset, const FrameFields& f, ByteView data, MutByteView out,
                      ReservedBits reserved) {
  bool urg = f.urgent.has_value();
  if (data.size() > max_frame_data(urg)) return fail(Errc::InvalidArgument, "frame data too large");
  if (out.size() != frame_len(data.size(), urg)) return fail(Errc::InvalidArgument, "frame buffer size");
  size_t clen = out.size() - kFrameHeaderLen;
  out[0] = uint8_t(control_byte(f) | (reserved.cres & kCresMask));
  store_be16(out, 1, uint16_t(clen));
  MutByteView plain = out.subspan(kFrameHeaderLen, clen - kFrameTagLen);
  plain[0] = uint8_t(flags_byte(f) | (reserved.fres & kFresMask));
  if (urg) store_be16(plain, 1, *f.urgent);  // interpretation 3: big-endian
  uint8_t* data_at = out.data() + frame_data_offset(urg);
  if (!data.empty() && data.data() != data_at) std::memmove(data_at, data.data(), data.size());
  FrameNonce n = frame_nonce(nr_, offset);
  return aead_.seal(n, out.first(kFrameHeaderLen), plain, out.subspan(kFrameHeaderLen));
}

Result<OpenedFrame> FrameKey::open_in_place(uint64_t offset, MutByteView frame) {
  if (frame.size() < kFrameHeaderLen) return tl::unexpected(auth_failed("frame truncated"));
  size_t clen = load_be16(frame, 1);
  if (clen < kMinClen) return tl::unexpected(auth_failed("clen below 17"));
  if (frame.size() != kFrameHeaderLen + clen) return tl::unexpected(auth_failed("clen mismatch"));
  MutByteView ct = frame.subspan(kFrameHeaderLen);
  MutByteView plain = ct.first(clen - kFrameTagLen);
  FrameNonce n = frame_nonce(nr_, offset);
  if (auto ok = aead_.open(n, frame.first(kFrameHeaderLen), ct, plain); !ok)
    return tl::unexpected(auth_failed("AEAD authentication failed"));
  OpenedFrame out;
  out.length = frame.size();
  out.fields.rekey = (frame[0] & kControlRekey) != 0;  // cres ignored (TC-41)
  uint8_t flags = plain[0];                               // fres ignored (TC-41)
  out.fields.finp = (flags & kFlagFinp) != 0;
  size_t data_at = 1;
  if (flags & kFlagUrgp) {
    if (plain.size() < 3) {
      crypto::secure_erase(plain);
      return tl::unexpected(auth_failed("URGp without urgent field"));
    }
    out.fields.urgent = load_be16(plain, 1);
    data_at = 3;
  }
  out.data = plain.subspan(data_at);
  return out;
}

Result<FrameKey> frame_key_for(AeadId aead, const crypto::SecretBytes& mk, KeyDirection dir) {
  const crypto::AeadInfo* info = crypto::aead_info(uint16_t(aead));
  if (!info) return fail(Errc::InvalidArgument, "unknown AEAD");
  auto tk = traffic_key(mk.view(), dir, *info);
  if (!tk) return tl::unexpected(tk.error());
  return FrameKey::create(aead, tk->view());
}

Result<NextGeneration> derive_next_generation(AeadId aead, const crypto::SecretBytes& mk,
                                              KeyDirection dir) {
  auto next = next_master_key(mk.view());
  if (!next) return tl::unexpected(next.error());
  auto key = frame_key_for(aead, *next, dir);
  if (!key) return tl::unexpected(key.error());
  return NextGeneration{std::move(*next), std::move(*key)};
}

// ---- FrameSealer ----------------------------------------------------------------------

FrameSealer::FrameSealer(AeadId aead, crypto::SecretBytes mk, KeyDirection dir, FrameKey key,
                         uint64_t offset)
    : aead_(aead), mk_(std::move(mk)), dir_(dir), key_(std::move(key)), offset_(offset) {}

Result<FrameSealer> FrameSealer::create(AeadId aead, const crypto::SecretBytes& mk0,
                                        KeyDirection dir, uint64_t first_offset) {
  auto key = frame_key_for(aead, mk0, dir);
  if (!key) return tl::unexpected(key.error());
  return FrameSealer(aead, mk0.clone(), dir, std::move(*key), first_offset);
}

Status FrameSealer::raise_generation() {
  if (rekey_pending_) return fail(Errc::InvalidState, "previous rekey not yet sent");
  auto next = derive_next_generation(aead_, mk_, dir_);
  if (!next) return tl::unexpected(next.error());
  mk_ = std::move(next->mk);    // mk[j] erased: the chain only moves forward
  key_ = std::move(next->key);  // old key set erased (TC-38); sent frames are not re-encrypted
  ++generation_;
  rekey_pending_ = true;
  return {};
}

Status FrameSealer::seal(ByteView data, bool fin, std::optional<uint16_t> urgent, Bytes& out) {
  if (fin_sealed_) return fail(Errc::InvalidState, "frame after FINp");  // TC-31
  size_t len = frame_len(data.size(), urgent.has_value());
  if (data.size() > max_frame_data(urgent.has_value()))
    return fail(Errc::InvalidArgument, "frame data too large");
  if (offset_ > UINT64_MAX - len) return fail(Errc::TooLong, "stream offset would wrap");  // TC-29
  size_t at = out.size();
  out.resize(at + len);
  FrameFields f{rekey_pending_, fin, urgent};  // TC-34: rekey only on the first frame
  if (auto ok = key_.seal(offset_, f, data, MutByteView(out).subspan(at)); !ok) {
    out.resize(at);
    return ok;
  }
  offset_ += len;
  rekey_pending_ = false;
  fin_sealed_ = fin;
  return {};
}

// ---- FrameOpener ----------------------------------------------------------------------

FrameOpener::FrameOpener(AeadId aead, crypto::SecretBytes mk, KeyDirection dir, FrameKey key,
                         uint64_t offset)
    : aead_(aead), mk_(std::move(mk)), dir_(dir), key_(std::move(key)), offset_(offset) {}

Result<FrameOpener> FrameOpener::create(AeadId aead, const crypto::SecretBytes& mk0,
                                        KeyDirection peer_dir, uint64_t first_offset) {
  auto key = frame_key_for(aead, mk0, peer_dir);
  if (!key) return tl::unexpected(key.error());
  return FrameOpener(aead, mk0.clone(), peer_dir, std::move(*key), first_offset);
}

Result<std::variant<NeedMore, OpenedFrame>> FrameOpener::open_next(MutByteView buffered) {
  using Step = std::variant<NeedMore, OpenedFrame>;
  auto extent = frame_extent(buffered);
  if (!extent) return tl::unexpected(extent.error());
  if (auto* need = std::get_if<NeedMore>(&*extent)) return Step{*need};
  size_t len = std::get<size_t>(*extent);
  if (buffered.size() < len) return Step{NeedMore{len - buffered.size()}};
  MutByteView frame = buffered.first(len);
  if ((frame[0] & kControlRekey) == 0) {
    auto opened = key_.open_in_place(offset_, frame);
    if (!opened) return tl::unexpected(opened.error());
    offset_ += len;
    return Step{std::move(*opened)};
  }
  // rekey = 1: this frame is under generation + 1 (§3.8); commit only after it opens.
  auto next = derive_next_generation(aead_, mk_, dir_);
  if (!next) return tl::unexpected(next.error());
  auto opened = next->key.open_in_place(offset_, frame);
  if (!opened) return tl::unexpected(opened.error());
  mk_ = std::move(next->mk);
  key_ = std::move(next->key);  // TC-38: the previous generation is no longer needed
  ++generation_;
  offset_ += len;
  return Step{std::move(*opened)};
}

}  // namespace proto::tcpcrypt
