// Addresses as the TCP layer needs them: raw IPv4 (4 bytes) or IPv6 (16 bytes) address
// bytes for the checksum pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1), plus ports.
// The IP header itself is built and parsed elsewhere (proto/ip).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "proto/common/bytes.h"

namespace proto::tcp {

class IpAddress {
 public:
  IpAddress() = default;
  static IpAddress v4(std::array<uint8_t, 4> b) { return IpAddress(b); }
  static IpAddress v6(std::array<uint8_t, 16> b) { return IpAddress(b); }
  // Accepts exactly 4 or 16 bytes; anything else yields an empty (invalid) address.
  static IpAddress from_bytes(ByteView b) {
    IpAddress a;
    if (b.size() == 4 || b.size() == 16) {
      a.len_ = uint8_t(b.size());
      for (size_t i = 0; i < b.size(); ++i) a.bytes_[i] = b[i];
    }
    return a;
  }

  ByteView bytes() const { return ByteView(bytes_.data(), len_); }
  bool is_v4() const { return len_ == 4; }
  bool is_v6() const { return len_ == 16; }
  // IP header bytes in front of a TCP segment with no IP options/extension headers.
  uint32_t ip_header_len() const { return is_v4() ? 20 : 40; }
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  template <size_t N>
  explicit IpAddress(std::array<uint8_t, N> b) : len_(N) {
    for (size_t i = 0; i < N; ++i) bytes_[i] = b[i];
  }
  std::array<uint8_t, 16> bytes_{};
  uint8_t len_ = 0;
};

// One connection's identity, seen from this host.
struct FourTuple {
  IpAddress local_addr;
  uint16_t local_port = 0;
  IpAddress remote_addr;
  uint16_t remote_port = 0;
  friend bool operator==(const FourTuple&, const FourTuple&) = default;
};

}  // namespace proto::tcp
