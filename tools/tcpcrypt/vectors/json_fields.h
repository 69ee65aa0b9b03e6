// Typed access to vector fields (spec/vectors.md §2): hex byte strings, integers, flags.
// Missing or malformed required inputs throw InputError with the field's name.
#pragma once

#include <optional>
#include <string>

#include "proto/common/bytes.h"
#include "tools/tcpcrypt/vectors/compute.h"

namespace vectors {

proto::Bytes hex_field(const Json& v, const std::string& key);
std::optional<proto::Bytes> opt_hex_field(const Json& v, const std::string& key);
int64_t int_field(const Json& v, const std::string& key);
bool flag_field(const Json& v, const std::string& key);  // 0 or 1; absent = 0
std::string string_field(const Json& v, const std::string& key);

inline Json hex(proto::ByteView b) { return proto::to_hex(b); }

}  // namespace vectors
