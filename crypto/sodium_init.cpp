#include "crypto/sodium_init.h"

#include <sodium.h>

namespace crypto {

bool sodium_ready() {
  // sodium_init() returns 0 on first success, 1 when already initialised, -1 on failure.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace crypto
