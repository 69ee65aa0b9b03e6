// Byte buffers and big-endian load/store helpers shared by every protocol codec.
// All functions are pure; callers guarantee bounds (codecs check lengths first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proto {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using MutByteView = std::span<uint8_t>;

inline uint16_t load_be16(ByteView b, size_t at) {
  return uint16_t((uint16_t(b[at]) << 8) | b[at + 1]);
}
inline uint32_t load_be32(ByteView b, size_t at) {
  return (uint32_t(b[at]) << 24) | (uint32_t(b[at + 1]) << 16) | (uint32_t(b[at + 2]) << 8) |
         uint32_t(b[at + 3]);
}
inline uint64_t load_be64(ByteView b, size_t at) {
  return (uint64_t(load_be32(b, at)) << 32) | load_be32(b, at + 4);
}
inline void store_be16(MutByteView b, size_t at, uint16_t v) {
  b[at] = uint8_t(v >> 8);
  b[at + 1] = uint8_t(v);
}
inline void store_be32(MutByteView b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (24 - 8 * i));
}
inline void store_be64(MutByteView b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = uint8_t(v >> (56 - 8 * i));
}

// Appending writers, for building messages into a growing buffer.
inline void put_u8(Bytes& out, uint8_t v) { out.push_back(v); }
inline void put_be16(Bytes& out, uint16_t v) {
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}
inline void put_be32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (24 - 8 * i)));
}
inline void put_bytes(Bytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }

inline Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (auto p : parts) put_bytes(out, p);
  return out;
}

// Lower-case hex, no separators.
std::string to_hex(ByteView b);
// Accepts upper and lower case; nullopt on odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view s);

}  // namespace proto
