// Internal to crypto/: libsodium's one-time initialisation. sodium_init() picks the
// CPU-specific implementations (e.g. X25519, ChaCha20) and opens the system RNG; libsodium
// requires it before any other call (secure.cpp's memory helpers excepted, see there).
#pragma once

namespace crypto {

// Runs sodium_init() exactly once per process (thread-safe, C++ static initialisation);
// later calls cost one load. True when libsodium is usable (sodium_init() >= 0).
bool sodium_ready();

}  // namespace crypto
