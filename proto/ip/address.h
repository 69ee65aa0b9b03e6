// IP addresses and transport endpoints as small value types (IPv4 or IPv6).
// Plain values: no allocation except in to_string(); comparable (IPv4 sorts before IPv6),
// hashable (std::hash specialisations below) and printable (operator<<, to_string).
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "proto/common/bytes.h"

namespace proto::ip {

enum class Family : uint8_t { V4, V6 };

class IpAddress {
 public:
  static constexpr size_t kV4Len = 4;
  static constexpr size_t kV6Len = 16;

  // The unspecified IPv4 address 0.0.0.0.
  IpAddress() = default;

  static IpAddress v4(std::array<uint8_t, kV4Len> bytes);
  static IpAddress v4(uint32_t host_order);
  static IpAddress v6(std::array<uint8_t, kV6Len> bytes);
  // 4 bytes make an IPv4 address, 16 bytes an IPv6 one; any other length: nullopt.
  static std::optional<IpAddress> from_bytes(ByteView bytes);
  // Dotted quad or RFC 4291 text (no zone index); nullopt if malformed.
  static std::optional<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::V4; }
  // Network-order address bytes: 4 or 16 of them, valid while *this lives.
  ByteView bytes() const { return ByteView(bytes_.data(), is_v4() ? kV4Len : kV6Len); }
  std::string to_string() const;  // RFC 5952 form for IPv6

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::V4;
  std::array<uint8_t, kV6Len> bytes_{};  // an IPv4 address uses the first 4, the rest stay 0
};

struct Endpoint {
  IpAddress addr;
  uint16_t port = 0;

  std::string to_string() const;  // "198.18.0.1:80", "[fd00::1]:80"
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

std::ostream& operator<<(std::ostream& os, const IpAddress& a);
std::ostream& operator<<(std::ostream& os, const Endpoint& e);

size_t hash_value(const IpAddress& a);
size_t hash_value(const Endpoint& e);

}  // namespace proto::ip

template <>
struct std::hash<proto::ip::IpAddress> {
  size_t operator()(const proto::ip::IpAddress& a) const { return proto::ip::hash_value(a); }
};
template <>
struct std::hash<proto::ip::Endpoint> {
  size_t operator()(const proto::ip::Endpoint& e) const { return proto::ip::hash_value(e); }
};
