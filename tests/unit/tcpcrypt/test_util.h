// Helpers shared by the tcpcrypt unit tests: hex literals and the digest §17 example.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "proto/common/bytes.h"

namespace tcpcrypt_test {

inline proto::Bytes hex(std::string_view s) {
  std::string clean;
  for (char c : s)
    if (c != ' ' && c != '|') clean.push_back(c);
  auto b = proto::from_hex(clean);
  EXPECT_TRUE(b.has_value()) << s;
  return b.value_or(proto::Bytes{});
}

inline std::string hx(proto::ByteView b) { return proto::to_hex(b); }

// Digest §16/§17 inputs (RFC 7748 §6.1 keys).
inline constexpr std::string_view kPrivA =
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
inline constexpr std::string_view kPrivB =
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
inline constexpr std::string_view kPubA =
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
inline constexpr std::string_view kPubB =
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
inline constexpr std::string_view kNA =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
inline constexpr std::string_view kNB =
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
inline constexpr std::string_view kTranscript = "45032345040123";
inline constexpr std::string_view kInit1 =
    "15101a0e0000004f03000100020010"
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
inline constexpr std::string_view kInit2 =
    "097105e00000004a0001"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
inline constexpr std::string_view kES =
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
inline constexpr std::string_view kPrk =
    "c043f7ef00cb9be5da6fc66d9c766cad56659b568ccfde820f7cfd769415f059";

}  // namespace tcpcrypt_test
