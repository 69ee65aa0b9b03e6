// The AEADs registered for tcpcrypt (RFC 8548 §6): AES-128-GCM, AES-256-GCM (RFC 5116)
// and ChaCha20-Poly1305 (RFC 8439), all with 12-byte nonces and 16-byte tags.
// Back-end: OpenSSL 3 libcrypto (see README: libsodium lacks AES-128-GCM and its
// AES-GCM needs AES-NI; OpenSSL is also faster here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "proto/common/result.h"

namespace crypto {

enum class AeadId : uint16_t {
  Aes128Gcm = 0x0001,
  Aes256Gcm = 0x0002,
  ChaCha20Poly1305 = 0x0010,
};

inline constexpr size_t kAeadNonceLen = 12;
inline constexpr size_t kAeadTagLen = 16;

struct AeadInfo {
  AeadId id;
  size_t key_len;    // ae_key_len
  size_t nonce_len;  // ae_nonce_len
  size_t tag_len;
  const char* name;  // RFC name, e.g. "AEAD_AES_128_GCM"
};

// nullptr when the 16-bit identifier is not one of the three registered AEADs.
const AeadInfo* aead_info(uint16_t id);

// One AEAD key, reusable for any number of seal/open calls. Owns an initialised cipher
// context so per-frame cost is only the cipher itself. Move-only; erases its key on
// destruction. Not thread-safe (one connection owns it).
class Aead {
 public:
  static proto::Result<Aead> create(AeadId id, std::span<const uint8_t> key);

  Aead(Aead&&) noexcept;
  Aead& operator=(Aead&&) noexcept;
  ~Aead();

  AeadId id() const;

  // out.size() must be plaintext.size() + kAeadTagLen; out may alias plaintext exactly
  // (in-place). Writes ciphertext then tag.
  proto::Status seal(std::span<const uint8_t> nonce, std::span<const uint8_t> ad,
                     std::span<const uint8_t> plaintext, std::span<uint8_t> out);

  // ciphertext includes the tag; out.size() must be ciphertext.size() - kAeadTagLen;
  // out may alias ciphertext exactly. On AuthFailed, out is zeroed (no unauthenticated
  // plaintext ever leaves this function).
  proto::Status open(std::span<const uint8_t> nonce, std::span<const uint8_t> ad,
                     std::span<const uint8_t> ciphertext, std::span<uint8_t> out);

 private:
  struct Impl;
  explicit Aead(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crypto
