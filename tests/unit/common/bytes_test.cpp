#include "proto/common/bytes.h"

#include <gtest/gtest.h>

namespace proto {
namespace {

TEST(Hex, RoundTripsAndAcceptsUpperCase) {
  Bytes b{0x00, 0x45, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "0045abff");
  EXPECT_EQ(from_hex("0045ABff"), b);
  EXPECT_EQ(from_hex(""), Bytes{});
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
  EXPECT_FALSE(from_hex("0x12").has_value());
}

TEST(BigEndian, LoadStoreAgree) {
  Bytes b(8);
  store_be64(b, 0, 0x0102030405060708ull);
  EXPECT_EQ(to_hex(b), "0102030405060708");
  EXPECT_EQ(load_be64(b, 0), 0x0102030405060708ull);
  EXPECT_EQ(load_be32(b, 4), 0x05060708u);
  EXPECT_EQ(load_be16(b, 6), 0x0708u);
  Bytes out;
  put_be16(out, 0x0010);
  put_be32(out, 0x15101a0e);
  EXPECT_EQ(to_hex(out), "001015101a0e");
}

}  // namespace
}  // namespace proto
