// tcpcrypt encryption frames (RFC 8548 §3.6-§3.8, §4.2):
//
//   frame      = control(1) | clen(2) | ciphertext(clen)      clen <= 65535 (TC-28)
//   plaintext  = flags(1) | [urgent(2) if URGp] | data
//   AD         = control | clen;   N = (0^4 | be64(offset)) XOR NR
//
// FrameKey is one traffic key (one direction, one generation); FrameSealer and
// FrameOpener run the generation chains of the two directions of a session (§3.8).
// FAIL (Errc::AuthFailed) covers an AEAD failure, clen < 17 (no flags byte / shorter than
// the tag), clen disagreeing with the frame size, and URGp with fewer than two bytes after
// the flags byte (interpretation 16); no plaintext of a failed frame is ever returned.
// Reserved bits (cres, fres) are sent as 0 and ignored on receipt, but stay authenticated
// (TC-41, interpretation 12). Objects are move-only, not thread-safe (one connection owns
// them); the AEAD context is created once per key, and sealing/opening allocates nothing
// beyond growing the caller's output buffer.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <variant>

#include "crypto/aead.h"
#include "crypto/secure.h"
#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/tcpcrypt/constants.h"
#include "proto/tcpcrypt/init_messages.h"
#include "proto/tcpcrypt/key_schedule.h"

namespace proto::tcpcrypt {

using FrameNonce = std::array<uint8_t, crypto::kAeadNonceLen>;

// The meaning-bearing bits of a frame.
struct FrameFields {
  bool rekey = false;
  bool finp = false;
  std::optional<uint16_t> urgent;  // URGp = 1 with this urgent field (big-endian on the wire)
  friend bool operator==(const FrameFields&, const FrameFields&) = default;
};

// Reserved bits to set when sealing (tests of interpretation 12 only; FrameSealer never
// sets them). Masked to the reserved positions.
struct ReservedBits {
  uint8_t cres = 0;  // control bits 7..1
  uint8_t fres = 0;  // flags bits 7..2
};

struct OpenedFrame {
  FrameFields fields;
  MutByteView data;   // decrypted application data, inside the caller's buffer
  size_t length = 0;  // bytes of the frame (3 + clen)
};

inline size_t max_frame_data(bool urgent) { return urgent ? kMaxFrameDataUrgent : kMaxFrameData; }
// Where the data sits in a sealed frame (after control, clen, flags, [urgent]): a caller
// that writes its data there first saves FrameKey::seal a copy.
inline size_t frame_data_offset(bool urgent) { return kFrameHeaderLen + 1 + (urgent ? 2 : 0); }
// 3 + clen for a frame carrying data_len bytes.
inline size_t frame_len(size_t data_len, bool urgent) {
  return frame_data_offset(urgent) + data_len + kFrameTagLen;
}
// Frame ID = (ae_nonce_len - 8) zero bytes | be64(offset) (§4.2.3); N = frame ID XOR NR.
FrameNonce frame_id(uint64_t offset);
FrameNonce frame_nonce(ByteView nr, uint64_t offset);
// Control and flags bytes as a compliant sender writes them.
uint8_t control_byte(const FrameFields& f);
uint8_t flags_byte(const FrameFields& f);

// Size of the frame at the front of `buffered`: NeedMore while the 3-byte header is
// incomplete, else 3 + clen (whether or not all of it is buffered). AuthFailed if
// clen < 17.
Result<std::variant<NeedMore, size_t>> frame_extent(ByteView buffered);

class FrameKey {
 public:
  // traffic_key = K | NR (traffic_key_len bytes, k_ab[j] or k_ba[j]).
  static Result<FrameKey> create(AeadId aead, ByteView traffic_key);

  // Writes a complete frame at `offset` into out (out.size() must equal
  // frame_len(data.size(), f.urgent.has_value())). data may already sit at its place in
  // out (then it is not copied). InvalidArgument if data is too large.
  Status seal(uint64_t offset, const FrameFields& f, ByteView data, MutByteView out,
              ReservedBits reserved = {});

  // Authenticates and decrypts one complete frame (exactly 3 + clen bytes) in place.
  Result<OpenedFrame> open_in_place(uint64_t offset, MutByteView frame);

  AeadId aead() const { return aead_.id(); }

  FrameKey(FrameKey&&) noexcept = default;
  FrameKey& operator=(FrameKey&&) noexcept = default;
  ~FrameKey() { crypto::secure_erase(nr_); }

 private:
  FrameKey(crypto::Aead aead, ByteView nr);
  crypto::Aead aead_;
  std::array<uint8_t, crypto::kAeadNonceLen> nr_{};
};

// Own direction (§3.8): current local generation, its key, mk[j] kept only to step
// forward. raise_generation() derives mk[j+1] and its key and erases the old ones (TC-38);
// the next frame then carries rekey = 1, and only that one (TC-34, interpretation 15).
class FrameSealer {
 public:
  // mk0 = mk[0] of the session; dir = this host's sending direction (TC-12);
  // first_offset = stream offset of its first frame (len(Init) or 0, interpretation 5).
  static Result<FrameSealer> create(AeadId aead, const crypto::SecretBytes& mk0,
                                    KeyDirection dir, uint64_t first_offset);

  // InvalidState when the previous raise has not been carried by a frame yet.
  Status raise_generation();

  // Appends one frame (data.size() <= max_frame_data) to out and advances the offset.
  // InvalidState after a FINp frame (TC-31); TooLong at 2^64 stream bytes (TC-29).
  Status seal(ByteView data, bool fin, std::optional<uint16_t> urgent, Bytes& out);

  uint64_t generation() const { return generation_; }
  uint64_t offset() const { return offset_; }
  bool rekey_pending() const { return rekey_pending_; }
  bool fin_sealed() const { return fin_sealed_; }

 private:
  FrameSealer(AeadId aead, crypto::SecretBytes mk, KeyDirection dir, FrameKey key,
              uint64_t offset);
  AeadId aead_;
  crypto::SecretBytes mk_;
  KeyDirection dir_;
  FrameKey key_;
  uint64_t offset_;
  uint64_t generation_ = 0;
  bool rekey_pending_ = false;
  bool fin_sealed_ = false;
};

// Peer direction (§3.8): opens the frames of the peer's stream in order. A rekey = 1 frame
// is opened under the next generation, which is committed (old key erased) only once the
// frame authenticates.
class FrameOpener {
 public:
  static Result<FrameOpener> create(AeadId aead, const crypto::SecretBytes& mk0,
                                    KeyDirection peer_dir, uint64_t first_offset);

  // `buffered` = the peer's stream from offset() on. Returns NeedMore or the opened frame
  // (decrypted in place; consume `length` bytes). AuthFailed on FAIL; the opener is then
  // unusable (the caller aborts, TC-30).
  Result<std::variant<NeedMore, OpenedFrame>> open_next(MutByteView buffered);

  uint64_t generation() const { return generation_; }  // remote generation
  uint64_t offset() const { return offset_; }

 private:
  FrameOpener(AeadId aead, crypto::SecretBytes mk, KeyDirection dir, FrameKey key,
              uint64_t offset);
  AeadId aead_;
  crypto::SecretBytes mk_;
  KeyDirection dir_;
  FrameKey key_;
  uint64_t offset_;
  uint64_t generation_ = 0;
};

// TC-35: after a rekey = 1 frame from the peer, a host whose remote generation now exceeds
// its local one must raise its own and, unless its FINp is out, send a rekey frame at once.
inline bool must_answer_rekey(const FrameOpener& peer, const FrameSealer& own) {
  return peer.generation() > own.generation() && !own.fin_sealed();
}

// mk[j+1] and its FrameKey for one direction (shared by sealer and opener).
struct NextGeneration {
  crypto::SecretBytes mk;
  FrameKey key;
};
Result<NextGeneration> derive_next_generation(AeadId aead, const crypto::SecretBytes& mk,
                                              KeyDirection dir);
// The FrameKey of generation `mk` (k_ab / k_ba per dir).
Result<FrameKey> frame_key_for(AeadId aead, const crypto::SecretBytes& mk, KeyDirection dir);

}  // namespace proto::tcpcrypt
