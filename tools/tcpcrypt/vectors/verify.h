// `tcpcrypt vectors verify`: recompute every output of every vector and report per field.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "tools/tcpcrypt/vectors/field_report.h"

namespace vectors {

// Verifies one vector of kind connection, eno or key_agreement (x- kinds are skipped by
// verify_files before this is called; any other kind fails).
VectorReport verify_vector(const Json& v, size_t index);

// Returns 0 when every file loads and every vector passes (and at least one vector was
// checked), 1 otherwise. Prints one line per vector, plus failing fields (all fields
// when verbose).
int verify_files(const std::vector<std::string>& paths, std::ostream& os, bool verbose);

}  // namespace vectors
