// The impairment model of the test link: per packet, a seeded decision to drop,
// duplicate, delay (and reorder by extra delay) or corrupt it. Pure and deterministic:
// the same seed and the same packet sequence give the same decisions.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace impair {

struct ImpairmentConfig {
  uint32_t loss_ppm = 0;       // parts per million
  uint32_t dup_ppm = 0;
  uint32_t reorder_ppm = 0;    // these packets get reorder_extra on top of delay
  uint32_t corrupt_ppm = 0;
  std::chrono::microseconds delay{0};
  std::chrono::microseconds reorder_extra{0};
};

struct Decision {
  bool drop = false;
  bool duplicate = false;
  bool corrupt = false;
  uint32_t corrupt_bit = 0;  // bit index to flip, modulo the impairable length
  std::chrono::microseconds delay{0};
};

class Impairment {
 public:
  Impairment(const ImpairmentConfig& cfg, uint64_t seed) : cfg_(cfg), rng_(seed) {}

  Decision decide() {
    Decision d;
    // Every draw happens for every packet so decisions do not shift with the config.
    const bool lose = chance(cfg_.loss_ppm), dup = chance(cfg_.dup_ppm);
    const bool late = chance(cfg_.reorder_ppm), bad = chance(cfg_.corrupt_ppm);
    const uint32_t bit = uint32_t(rng_());
    d.drop = lose;
    d.duplicate = !lose && dup;
    d.corrupt = !lose && bad;
    d.corrupt_bit = bit;
    d.delay = cfg_.delay + (late ? cfg_.reorder_extra : std::chrono::microseconds{0});
    return d;
  }

 private:
  // std::mt19937_64 is portable; std:: distributions are not, so no distribution here.
  bool chance(uint32_t ppm) { return rng_() % 1'000'000 < ppm; }

  ImpairmentConfig cfg_;
  std::mt19937_64 rng_;
};

}  // namespace impair
