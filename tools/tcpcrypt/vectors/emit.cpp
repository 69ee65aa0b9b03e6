#include "tools/tcpcrypt/vectors/emit.h"

#include <cstdio>
#include <filesystem>
#include <vector>

#include "crypto/random.h"
#include "proto/tcpcrypt/constants.h"
#include "proto/tcpcrypt/frame.h"
#include "proto/tcpcrypt/public_key.h"
#include "tools/tcpcrypt/vectors/compute.h"
#include "tools/tcpcrypt/vectors/emit_cases.h"
#include "tools/tcpcrypt/vectors/json_fields.h"

namespace vectors {

using namespace proto;

Bytes VectorRng::bytes(size_t n) {
  Bytes b(n);
  rng_.fill(b);
  return b;
}

// Private keys in the encodings of vectors.md §2, always in range: NIST scalars get a
// small top byte so they stay below n.
Bytes VectorRng::private_key(uint8_t tep) {
  switch (tep) {
    case tcpcrypt::kTepP256: {
      Bytes k = bytes(32);
      k[0] = uint8_t(0x01 | (k[0] & 0x7f));
      return k;
    }
    case tcpcrypt::kTepP521: {
      Bytes k = bytes(66);
      k[0] = 0x01;
      return k;
    }
    case tcpcrypt::kTepX448: return bytes(56);
    default: return bytes(32);
  }
}

void FrameTrace::add(const std::string& sender, ByteView data, bool fin, std::optional<uint16_t> urgent,
                     bool new_generation, const std::string& comment) {
  Sender& s = sender == "A" ? a_ : b_;
  if (new_generation) ++s.generation;
  Json f;
  if (!comment.empty()) f["comment"] = comment;
  f["sender"] = sender;
  f["offset"] = s.offset;
  f["generation"] = s.generation;
  f["rekey"] = new_generation ? 1 : 0;
  f["FINp"] = fin ? 1 : 0;
  f["URGp"] = urgent ? 1 : 0;
  if (urgent) f["urgent"] = *urgent;
  f["data"] = hex(data);
  frames_.push_back(f);
  s.offset += tcpcrypt::frame_len(data.size(), urgent.has_value());
}

size_t init1_len(uint8_t tep, size_t nciphers) { return 9 + 2 * nciphers + 32 + tcpcrypt::pub_field_len(tep); }
size_t init2_len(uint8_t tep) { return 10 + 32 + tcpcrypt::pub_field_len(tep); }

// Inputs + computed outputs, in the order of the format (inputs first). Frame entries get
// their outputs merged in place.
Json complete_vector(Json v) {
  const std::string kind = v["kind"];
  Json out = kind == "connection" ? compute_connection(v) : kind == "eno" ? compute_eno(v) : compute_key_agreement(v);
  if (out.contains("consistency_errors") && !out["consistency_errors"].empty())
    throw InputError(v["name"].get<std::string>() + ": " + out["consistency_errors"].dump());
  for (auto& [key, value] : out.items()) {
    if (key == "consistency_errors") continue;
    if (key == "frames" || key == "received_frames") {
      for (size_t k = 0; k < value.size(); ++k) v[key][k].update(value[k]);
    } else {
      v[key] = value;
    }
  }
  return v;
}

int emit_vector_set(const std::string& dir) {
  try {
    std::filesystem::create_directories(dir);
    const std::pair<const char*, std::vector<Json> (*)()> files[] = {
        {"connection.json", connection_cases},
        {"eno.json", eno_cases},
        {"key_agreement.json", key_agreement_cases},
    };
    for (const auto& [file, make] : files) {
      std::vector<Json> done;
      for (Json& v : make()) done.push_back(complete_vector(std::move(v)));
      std::string error;
      const std::string path = dir + "/" + file;
      if (!write_vector_file(path, "tcpcrypt/TCP-ENO test vectors (RFC 8547, RFC 8548), emitted by `tcpcrypt vectors emit`", done, error)) {
        std::fprintf(stderr, "tcpcrypt vectors emit: %s\n", error.c_str());
        return 1;
      }
      std::fprintf(stderr, "wrote %s (%zu vectors)\n", path.c_str(), done.size());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tcpcrypt vectors emit: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace vectors
