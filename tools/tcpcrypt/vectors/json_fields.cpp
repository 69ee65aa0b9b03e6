#include "tools/tcpcrypt/vectors/json_fields.h"

namespace vectors {

std::optional<proto::Bytes> opt_hex_field(const Json& v, const std::string& key) {
  if (!v.contains(key) || v[key].is_null()) return std::nullopt;
  if (!v[key].is_string()) throw InputError("\"" + key + "\" is not a hex string");
  auto b = proto::from_hex(v[key].get<std::string>());
  if (!b) throw InputError("\"" + key + "\" is not valid hex");
  return b;
}

proto::Bytes hex_field(const Json& v, const std::string& key) {
  auto b = opt_hex_field(v, key);
  if (!b) throw InputError("missing input \"" + key + "\"");
  return *b;
}

int64_t int_field(const Json& v, const std::string& key) {
  if (!v.contains(key) || !v[key].is_number_integer()) throw InputError("missing or non-integer \"" + key + "\"");
  return v[key].get<int64_t>();
}

bool flag_field(const Json& v, const std::string& key) {
  if (!v.contains(key)) return false;
  const int64_t f = int_field(v, key);
  if (f != 0 && f != 1) throw InputError("\"" + key + "\" must be 0 or 1");
  return f == 1;
}

std::string string_field(const Json& v, const std::string& key) {
  if (!v.contains(key) || !v[key].is_string()) throw InputError("missing string \"" + key + "\"");
  return v[key].get<std::string>();
}

}  // namespace vectors
