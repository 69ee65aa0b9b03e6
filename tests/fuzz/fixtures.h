// Fixed key material shared by the tcpcrypt fuzz targets and their seed generator
// (make_seeds.cpp), so that committed seeds hold frames that open under the targets' keys.
#pragma once

#include <cstdint>

#include "crypto/secure.h"
#include "proto/tcpcrypt/tep_policy.h"

namespace fuzz {

// A 32-byte secret with bytes first, first + step, first + 2*step, ...
inline crypto::SecretBytes pattern_secret(uint8_t first, uint8_t step) {
  crypto::SecretBytes k(proto::tcpcrypt::kKLen);
  for (size_t i = 0; i < k.size(); ++i) k.mut_view()[i] = uint8_t(first + i * step);
  return k;
}

// mk[0] of the frame target's sessions.
inline const crypto::SecretBytes& frame_master_key() {
  static const crypto::SecretBytes mk = pattern_secret(0x40, 1);
  return mk;
}
inline constexpr uint64_t kMutatedFirstOffset = 77;  // frame target, mutated mode

// The cached secret both hosts of a resumed fuzz session start from.
inline proto::tcpcrypt::ResumedStart resumed_start(uint8_t tep, proto::tcpcrypt::AeadId aead,
                                                    bool was_a) {
  proto::tcpcrypt::ResumedStart r;
  r.secret.tep = tep;
  r.secret.aead = aead;
  r.secret.was_a = was_a;
  r.secret.index = 1;
  r.secret.ss = pattern_secret(0, 7);
  r.nonce_a = proto::Bytes(8, 0xa0);
  r.nonce_b = proto::Bytes(8, 0xb0);
  return r;
}

}  // namespace fuzz
