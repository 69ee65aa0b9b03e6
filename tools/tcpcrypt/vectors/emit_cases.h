// The cases `tcpcrypt vectors emit` writes: inputs only; outputs are computed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "proto/common/bytes.h"
#include "tools/tcpcrypt/vectors/vector_file.h"

namespace vectors {

// Deterministic input material (seeded ChaCha20): same build, same files.
class VectorRng {
 public:
  explicit VectorRng(uint64_t seed) : rng_(seed) {}
  proto::Bytes bytes(size_t n);
  proto::Bytes private_key(uint8_t tep);

 private:
  crypto::DeterministicRandom rng_;
};

// Lays frames out as a real stream would (vectors.md §6): consecutive offsets per sender,
// generations advanced by new_generation.
class FrameTrace {
 public:
  FrameTrace(uint64_t first_offset_a, uint64_t first_offset_b) : a_{first_offset_a}, b_{first_offset_b} {}
  void add(const std::string& sender, proto::ByteView data, bool fin = false,
           std::optional<uint16_t> urgent = std::nullopt, bool new_generation = false,
           const std::string& comment = "");
  const Json& frames() const { return frames_; }

 private:
  struct Sender {
    uint64_t offset;
    int64_t generation = 0;
  };
  Sender a_, b_;
  Json frames_ = Json::array();
};

size_t init1_len(uint8_t tep, size_t nciphers);
size_t init2_len(uint8_t tep);

// Inputs plus every computed output (throws InputError on an inconsistent case).
Json complete_vector(Json v);

std::vector<Json> connection_cases();
std::vector<Json> eno_cases();
std::vector<Json> key_agreement_cases();

}  // namespace vectors
