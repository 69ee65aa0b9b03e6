// `tcpcrypt vectors emit DIR`: writes the project's deterministic vector set
// (connection.json, eno.json, key_agreement.json). Same build, same bytes.
#pragma once

#include <string>

namespace vectors {

// Returns 0 on success; prints the files written (or the error) to stderr.
int emit_vector_set(const std::string& dir);

}  // namespace vectors
