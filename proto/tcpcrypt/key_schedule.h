// The tcpcrypt key schedule (RFC 8548 §3.3-§3.5, §3.8; digest §6):
//
//   PRK        = Extract(N_A, eno_transcript | Init1 | Init2 | ES)      ss[0] = PRK
//   ss[i]      = CPRF(ss[i-1], CONST_NEXTK, K_LEN)
//   mk[0]      = CPRF(ss[i], CONST_REKEY | sn[i], K_LEN)
//   mk[j]      = CPRF(mk[j-1], CONST_REKEY, K_LEN)
//   k_ab[j]    = CPRF(mk[j], CONST_KEY_A, ae_key_len + ae_nonce_len)   (k_ba: CONST_KEY_B)
//   session_id = TEP byte | CPRF(ss[i], CONST_SESSID | sn[i], K_LEN)
//   resume[i]  = CPRF(ss[i], CONST_RESUME, 18)
//
// Every secret output is a crypto::SecretBytes. Pure functions; thread-safe. The only
// failure is InvalidArgument for a key shorter than 32 bytes (HKDF-Expand's PRK).
#pragma once

#include <array>
#include <cstdint>

#include "crypto/aead.h"
#include "crypto/secure.h"
#include "proto/common/bytes.h"
#include "proto/common/result.h"
#include "proto/tcpcrypt/constants.h"

namespace proto::tcpcrypt {

using crypto::SecretBytes;
using SessionId = std::array<uint8_t, kSessionIdLen>;
using ResumeId = std::array<uint8_t, kResumeIdLen>;
using ResumeHalf = std::array<uint8_t, kResumeHalfLen>;

// Which traffic key a host sends with: by its role in the ORIGINAL session (the one that
// produced ss[0]), not in the current connection (TC-12, interpretation 9).
enum class KeyDirection : uint8_t { Ab, Ba };
inline KeyDirection sending_direction(bool was_a_originally) {
  return was_a_originally ? KeyDirection::Ab : KeyDirection::Ba;
}
inline KeyDirection other(KeyDirection d) {
  return d == KeyDirection::Ab ? KeyDirection::Ba : KeyDirection::Ab;
}

// CPRF(K, info, L) = HKDF-Expand-SHA256 (§3.1, §5).
Result<SecretBytes> cprf(ByteView key, std::initializer_list<ByteView> info, size_t len);

// PRK = ss[0] (TC-11). The Init messages are the complete transmitted encodings,
// ignored tails included (interpretation 4).
SecretBytes compute_prk(ByteView n_a, ByteView eno_transcript, ByteView init1, ByteView init2,
                        ByteView es);

Result<SecretBytes> next_session_secret(ByteView ss);                 // ss[i+1]
Result<SecretBytes> first_master_key(ByteView ss, ByteView sn);       // mk[0] of session i
Result<SecretBytes> next_master_key(ByteView mk);                     // mk[j+1]
// k_ab[j] or k_ba[j], traffic_key_len(info) bytes: K (ae_key_len) | NR (12).
Result<SecretBytes> traffic_key(ByteView mk, KeyDirection dir, const crypto::AeadInfo& info);
Result<SessionId> session_id(uint8_t tep_byte, ByteView ss, ByteView sn);  // TC-13
Result<ResumeId> resume_id(ByteView ss);                                    // resume[i]

// The half of resume[i] a host sends in its resumption suboption (§3.5 Figs 2-3):
// bytes 0..8 if it was A in the original session, 9..17 otherwise.
ResumeHalf resume_half(const ResumeId& id, bool was_a_originally);

// What a session keeps after entering session i (digest §6.3): ss[i] has been consumed
// and erased (TC-23); ss[i+1] and resume[i+1] are ready for the resumption cache.
struct SessionSecrets {
  SecretBytes mk0;
  SessionId session_id{};
  SecretBytes ss_next;
  ResumeId resume_next{};
};

// Consumes ss[i] (moved in, erased before returning).
Result<SessionSecrets> enter_session(SecretBytes ss, ByteView sn, uint8_t tep_byte);

}  // namespace proto::tcpcrypt
