#include "crypto/secure.h"

#include <sodium.h>

namespace crypto {

// sodium_memzero, sodium_memcmp and sodium_is_zero are plain memory routines with no
// library state, so they are safe before sodium_init() (secure_erase runs in destructors,
// possibly during static destruction).

void secure_erase(std::span<uint8_t> bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

bool ct_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool ct_is_zero(std::span<const uint8_t> a) {
  return a.empty() || sodium_is_zero(a.data(), a.size()) == 1;
}

}  // namespace crypto
