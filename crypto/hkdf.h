// HMAC-SHA-256 and HKDF (RFC 5869) with SHA-256: tcpcrypt's Extract and CPRF
// (RFC 8548 §3.1, §5). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "proto/common/result.h"

namespace crypto {

inline constexpr size_t kSha256Len = 32;
inline constexpr size_t kHkdfMaxOutput = 255 * kSha256Len;

using ConstBytes = std::span<const uint8_t>;

// out = HMAC-SHA-256(key, msg_parts[0] | msg_parts[1] | ...)
void hmac_sha256(ConstBytes key, std::initializer_list<ConstBytes> msg_parts,
                 std::span<uint8_t, kSha256Len> out);

// HKDF-Extract(salt, IKM) where IKM is the concatenation of ikm_parts (no copy made).
void hkdf_extract(ConstBytes salt, std::initializer_list<ConstBytes> ikm_parts,
                  std::span<uint8_t, kSha256Len> prk);

// HKDF-Expand(PRK, info, L = out.size()). info is the concatenation of info_parts.
// Fails with InvalidArgument if out.size() > kHkdfMaxOutput or prk is shorter than 32 bytes.
proto::Status hkdf_expand(ConstBytes prk, std::initializer_list<ConstBytes> info_parts,
                          std::span<uint8_t> out);

}  // namespace crypto
