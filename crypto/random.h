// Randomness is injected everywhere (nonces, ephemeral keys, resumption nonces, ISN
// secrets), so that the sans-IO core runs deterministically in tests and vectors while
// tund uses the operating system's CSPRNG.
#pragma once

#include <cstdint>
#include <span>

namespace crypto {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void fill(std::span<uint8_t> out) = 0;
};

// The OS CSPRNG (getrandom via libsodium). Thread-safe.
class SystemRandom final : public RandomSource {
 public:
  void fill(std::span<uint8_t> out) override;
};

// True once the system generator is seeded and usable. RFC 8547 §10 (ENO-28) and
// RFC 8548 §8 (TC-49): no ENO option may be sent before this returns true.
bool system_random_ready();

// Seeded ChaCha20 stream: same seed, same bytes, on every platform. Tests, vectors and
// benchmarks only; never for live connections. Not thread-safe.
class DeterministicRandom final : public RandomSource {
 public:
  explicit DeterministicRandom(uint64_t seed);
  void fill(std::span<uint8_t> out) override;

 private:
  uint8_t seed_[32];
  uint64_t counter_ = 0;
};

}  // namespace crypto
