// Specification constants of tcpcrypt (RFC 8548 §4.3, §5, §6, Tables 1-5). Tuning knobs
// live in the Config structs of session.h / session_cache.h, not here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/aead.h"

namespace proto::tcpcrypt {

using crypto::AeadId;

// TEP identifiers (RFC 8548 §5 Table 2, §7 Table 4), v bit clear.
inline constexpr uint8_t kTepP256 = 0x21;
inline constexpr uint8_t kTepP521 = 0x22;
inline constexpr uint8_t kTepX25519 = 0x23;  // mandatory to implement (TC-45)
inline constexpr uint8_t kTepX448 = 0x24;
inline constexpr uint8_t kTepVBit = 0x80;     // RFC 8547 §4.1: v bit of a TEP suboption byte
inline constexpr uint8_t kTepIdMask = 0x7f;

inline constexpr bool is_tcpcrypt_tep(uint8_t tep) { return tep >= kTepP256 && tep <= kTepX448; }

// RFC 8548 §7 Table 4 name of a TEP identifier (v bit clear); nullptr for any other byte.
inline constexpr const char* tep_name(uint8_t tep) {
  switch (tep) {
    case kTepP256: return "TCPCRYPT_ECDHE_P256";
    case kTepP521: return "TCPCRYPT_ECDHE_P521";
    case kTepX25519: return "TCPCRYPT_ECDHE_Curve25519";
    case kTepX448: return "TCPCRYPT_ECDHE_Curve448";
    default: return nullptr;
  }
}

// Key-exchange messages (§4.1, §4.3).
inline constexpr uint32_t kInit1Magic = 0x15101a0e;
inline constexpr uint32_t kInit2Magic = 0x097105e0;
inline constexpr size_t kInitHeaderLen = 8;  // magic + message_len

// CPRF constants (§4.3), one byte each.
inline constexpr uint8_t kConstNextk = 0x01;
inline constexpr uint8_t kConstSessid = 0x02;
inline constexpr uint8_t kConstRekey = 0x03;
inline constexpr uint8_t kConstKeyA = 0x04;
inline constexpr uint8_t kConstKeyB = 0x05;
inline constexpr uint8_t kConstResume = 0x06;

// Lengths shared by the four TEPs (§5); K_LEN >= 32 (TC-42).
inline constexpr size_t kNonceLen = 32;  // N_A_LEN = N_B_LEN
inline constexpr size_t kKLen = 32;
static_assert(kKLen >= 32, "TC-42: K_LEN must be at least 32");
inline constexpr size_t kSessionIdLen = 1 + kKLen;  // TEP byte | CPRF output (§3.4)

// Session resumption (§3.5).
inline constexpr size_t kResumeIdLen = 18;
inline constexpr size_t kResumeHalfLen = 9;
inline constexpr size_t kMaxResumeNonceLen = 8;
inline constexpr size_t kDefaultResumeNonceLen = 8;  // TC-15: default unless reuse impossible

// Encryption frames (§4.2; interpretation 14).
inline constexpr size_t kFrameHeaderLen = 3;   // control | clen
inline constexpr size_t kFrameTagLen = crypto::kAeadTagLen;
inline constexpr size_t kMaxClen = 65535;      // TC-28: clen < 2^16
inline constexpr size_t kMinClen = 1 + kFrameTagLen;  // flags byte + tag (interpretation 16)
inline constexpr size_t kMaxFramePlaintext = kMaxClen - kFrameTagLen;  // 65519
inline constexpr size_t kMaxFrameData = kMaxFramePlaintext - 1;        // 65518
inline constexpr size_t kMaxFrameDataUrgent = kMaxFramePlaintext - 3;  // 65516
inline constexpr size_t kFrameIdZeroLen = crypto::kAeadNonceLen - 8;   // 4 zero bytes
inline constexpr uint8_t kControlRekey = 0x01;  // bits 7..1: cres, send 0, ignore (TC-41)
inline constexpr uint8_t kFlagFinp = 0x01;
inline constexpr uint8_t kFlagUrgp = 0x02;      // bits 7..2: fres, send 0, ignore (TC-41)

// Traffic key = K | NR: ae_key_len + ae_nonce_len bytes (§3.3): 28 or 44.
inline size_t traffic_key_len(const crypto::AeadInfo& info) { return info.key_len + info.nonce_len; }

}  // namespace proto::tcpcrypt
