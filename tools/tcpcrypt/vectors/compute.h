// Computing every output of a vector from its inputs (spec/vectors.md §3–§5) with the
// project's own proto/ and crypto/ code. verify compares these outputs with a file;
// emit writes inputs plus these outputs. One computation serves both, so what we
// publish is exactly what we check.
#pragma once

#include <stdexcept>
#include <string>

#include "tools/tcpcrypt/vectors/vector_file.h"

namespace vectors {

// A vector whose inputs are missing or malformed (not a mismatch: the file is unusable).
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Each returns a JSON object holding every output field the kind defines (optional
// ones included); frames/received_frames entries hold their outputs at the same index.
// compute_connection also returns "consistency_errors": inputs that contradict each other
// (frame-trace rules of vectors.md §3.4, resumption suboption data of §3.2, TEP), which
// verify reports as failures and emit refuses.
Json compute_connection(const Json& in);
Json compute_eno(const Json& in);
Json compute_key_agreement(const Json& in);

}  // namespace vectors
