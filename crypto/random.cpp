#include "crypto/random.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "crypto/secure.h"
#include "crypto/sodium_init.h"

namespace crypto {

bool system_random_ready() {
  // sodium_init() fails only when no seeded generator is available; on Linux it waits
  // for getrandom() to be initialised.
  return sodium_ready();
}

void SystemRandom::fill(std::span<uint8_t> out) {
  if (out.empty()) return;
  // A process that cannot reach the OS CSPRNG must not carry on with predictable keys:
  // there is no error channel here, so stop (TC-49).
  if (!sodium_ready()) std::abort();
  randombytes_buf(out.data(), out.size());
}

DeterministicRandom::DeterministicRandom(uint64_t seed) {
  std::memset(seed_, 0, sizeof seed_);
  for (int i = 0; i < 8; ++i) seed_[i] = uint8_t(seed >> (8 * i));
}

void DeterministicRandom::fill(std::span<uint8_t> out) {
  if (out.empty()) return;
  sodium_ready();  // selects the ChaCha20 implementation; the output is the same either way
  // Each call draws a fresh ChaCha20 stream keyed by seed and a call counter, so the
  // output depends only on the seed and the sequence of request sizes.
  uint8_t key[randombytes_SEEDBYTES];
  static_assert(sizeof key == sizeof seed_);
  std::memcpy(key, seed_, sizeof key);
  for (int i = 0; i < 8; ++i) key[24 + i] ^= uint8_t(counter_ >> (8 * i));
  ++counter_;
  randombytes_buf_deterministic(out.data(), out.size(), key);
  secure_erase(key);
}

}  // namespace crypto
