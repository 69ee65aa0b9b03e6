#include "proto/ip/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <ostream>

namespace proto::ip {

IpAddress IpAddress::v4(std::array<uint8_t, kV4Len> bytes) {
  IpAddress a;
  std::copy(bytes.begin(), bytes.end(), a.bytes_.begin());
  return a;
}

IpAddress IpAddress::v4(uint32_t host_order) {
  return v4({uint8_t(host_order >> 24), uint8_t(host_order >> 16), uint8_t(host_order >> 8),
             uint8_t(host_order)});
}

IpAddress IpAddress::v6(std::array<uint8_t, kV6Len> bytes) {
  IpAddress a;
  a.family_ = Family::V6;
  a.bytes_ = bytes;
  return a;
}

std::optional<IpAddress> IpAddress::from_bytes(ByteView bytes) {
  IpAddress a;
  if (bytes.size() == kV6Len) {
    a.family_ = Family::V6;
  } else if (bytes.size() != kV4Len) {
    return std::nullopt;
  }
  std::copy(bytes.begin(), bytes.end(), a.bytes_.begin());
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton is pure (no I/O); it needs a NUL-terminated copy. INET6_ADDRSTRLEN bounds both.
  char buf[INET6_ADDRSTRLEN];
  if (text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (inet_pton(AF_INET, buf, a.bytes_.data()) == 1) return a;
  a.family_ = Family::V6;
  if (inet_pton(AF_INET6, buf, a.bytes_.data()) == 1) return a;
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof(buf));
  return buf;
}

std::string Endpoint::to_string() const {
  std::string a = addr.to_string();
  return (addr.is_v4() ? a : "[" + a + "]") + ":" + std::to_string(port);
}

std::ostream& operator<<(std::ostream& os, const IpAddress& a) { return os << a.to_string(); }
std::ostream& operator<<(std::ostream& os, const Endpoint& e) { return os << e.to_string(); }

size_t hash_value(const IpAddress& a) {
  // FNV-1a over family and bytes: cheap, no allocation, good enough for hash tables whose
  // keys are not chosen by an attacker alone (connection tables also mix in ports).
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](uint8_t b) { h = (h ^ b) * 0x100000001b3ull; };
  mix(uint8_t(a.family()));
  for (uint8_t b : a.bytes()) mix(b);
  return size_t(h);
}

size_t hash_value(const Endpoint& e) {
  return hash_value(e.addr) * 31 + e.port;
}

}  // namespace proto::ip
