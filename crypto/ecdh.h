// Ephemeral Diffie-Hellman for the four tcpcrypt TEPs (RFC 8548 §5): P-256 and P-521
// (OpenSSL; compressed SEC1 / IEEE 1363 points), X25519 and X448 (RFC 7748).
// This layer knows points, not tcpcrypt framing: the 2-byte pubkey_len prefix of the NIST
// TEPs is added and checked by proto/tcpcrypt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crypto/random.h"
#include "crypto/secure.h"
#include "proto/common/result.h"

namespace crypto {

enum class Group : uint8_t { P256, P521, X25519, X448 };

// Encoded public point: compressed SEC1 for NIST (33 / 67), raw for X25519/X448 (32 / 56).
size_t public_key_len(Group g);
// Shared secret ES: x coordinate, fixed length, big-endian for NIST (32 / 66);
// RFC 7748 output for X25519/X448 (32 / 56).
size_t shared_secret_len(Group g);
// Private key encoding of vectors.md §2: big-endian scalar (32 / 66), or the RFC 7748
// scalar string (32 / 56).
size_t private_key_len(Group g);
const char* group_name(Group g);

// An ephemeral key pair. Move-only; the private scalar is erased on destruction.
// Thread-compatible (const methods may run concurrently).
class EcdhPrivateKey {
 public:
  // Draws the private key from rng (rejection sampling into [1, n-1] for NIST groups).
  static proto::Result<EcdhPrivateKey> generate(Group g, RandomSource& rng);
  // Loads a private key in the encoding above; InvalidArgument if out of range/length.
  static proto::Result<EcdhPrivateKey> from_bytes(Group g, std::span<const uint8_t> priv);

  EcdhPrivateKey(EcdhPrivateKey&&) noexcept;
  EcdhPrivateKey& operator=(EcdhPrivateKey&&) noexcept;
  ~EcdhPrivateKey();

  Group group() const;
  std::span<const uint8_t> public_key() const;

  // ES with this private key and the peer's encoded point. Fails with InvalidPublicKey
  // when the peer point is malformed (wrong length, not compressed, x >= p, not on the
  // curve) or, for X25519/X448, when the output is all zero (RFC 7748 §6, TC-44).
  proto::Result<SecretBytes> derive(std::span<const uint8_t> peer_public) const;

 private:
  struct Impl;
  explicit EcdhPrivateKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crypto
