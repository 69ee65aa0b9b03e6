// HMAC-SHA-256 (RFC 4231) and HKDF-SHA-256 (RFC 5869) known answers, and the CPRF
// lengths tcpcrypt needs (RFC 8548 §3.1, digest §2).
#include "crypto/hkdf.h"

#include <gtest/gtest.h>

#include <array>

#include "tests/unit/crypto/test_hex.h"

namespace crypto {
namespace {

using test::bytes_of;
using test::hex;

std::array<uint8_t, kSha256Len> hmac(ConstBytes key, ConstBytes msg) {
  std::array<uint8_t, kSha256Len> out{};
  hmac_sha256(key, {msg}, out);
  return out;
}

proto::Bytes first(std::span<const uint8_t> b, size_t n) { return proto::Bytes(b.begin(), b.begin() + n); }

struct HmacCase {
  const char* name;
  proto::Bytes key;
  proto::Bytes data;
  const char* mac;  // may be truncated (case 5)
};

// RFC 4231 §4.2-§4.8, HMAC-SHA-256 outputs.
TEST(HmacSha256, Rfc4231Cases) {
  const HmacCase cases[] = {
      {"1", proto::Bytes(20, 0x0b), bytes_of("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"2", bytes_of("Jefe"), bytes_of("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"3", proto::Bytes(20, 0xaa), proto::Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"4", hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), proto::Bytes(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"5", proto::Bytes(20, 0x0c), bytes_of("Test With Truncation"),
       "a3b6167473100ee06e0c796c2955552b"},
      {"6", proto::Bytes(131, 0xaa), bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"7", proto::Bytes(131, 0xaa),
       bytes_of("This is a test using a larger than block-size key and a larger than block-size "
                "data. The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const HmacCase& c : cases) {
    proto::Bytes want = hex(c.mac);
    EXPECT_EQ(first(hmac(c.key, c.data), want.size()), want) << "RFC 4231 case " << c.name;
  }
}

TEST(HmacSha256, MessagePartsAreConcatenated) {
  proto::Bytes key(20, 0x0b);
  std::array<uint8_t, kSha256Len> split{};
  hmac_sha256(key, {bytes_of("Hi "), bytes_of(""), bytes_of("There")}, split);
  EXPECT_EQ(split, hmac(key, bytes_of("Hi There")));
}

struct HkdfCase {
  const char* name;
  proto::Bytes ikm, salt, info;
  const char* prk;
  const char* okm;
};

proto::Bytes range_bytes(uint8_t from, uint8_t to_inclusive) {
  proto::Bytes b;
  for (unsigned v = from; v <= to_inclusive; ++v) b.push_back(uint8_t(v));
  return b;
}

// RFC 5869 Appendix A.1-A.3 (SHA-256): Extract then Expand.
TEST(Hkdf, Rfc5869AppendixA) {
  const HkdfCase cases[] = {
      {"A.1", proto::Bytes(22, 0x0b), range_bytes(0x00, 0x0c), range_bytes(0xf0, 0xf9),
       "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      {"A.2", range_bytes(0x00, 0x4f), range_bytes(0x60, 0xaf), range_bytes(0xb0, 0xff),
       "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
       "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
       "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
      {"A.3", proto::Bytes(22, 0x0b), {}, {},
       "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
  };
  for (const HkdfCase& c : cases) {
    std::array<uint8_t, kSha256Len> prk{};
    hkdf_extract(c.salt, {c.ikm}, prk);
    EXPECT_EQ(proto::Bytes(prk.begin(), prk.end()), hex(c.prk)) << c.name;
    proto::Bytes okm(hex(c.okm).size());
    ASSERT_TRUE(hkdf_expand(prk, {c.info}, okm)) << c.name;
    EXPECT_EQ(okm, hex(c.okm)) << c.name;
  }
}

// The 28- and 44-byte traffic keys (digest §2): T(1) | T(2) truncated, where
// T(2) = HMAC(K, T(1) | CONST | 02). Checked against HMAC computed directly, and against
// digest §17 (k_ab[0] = CPRF(mk[0], CONST_KEY_A = 04, L)).
TEST(Hkdf, ExpandTo28And44BytesChainsT2) {
  const proto::Bytes mk = hex("f31214fd6fc7fdfc2d4574ce4cb881bc1dff4e243ca3b72f5d66de0e7970c186");
  const proto::Bytes info{0x04};
  proto::Bytes t1_msg{0x04, 0x01};
  auto t1 = hmac(mk, t1_msg);
  proto::Bytes t2_msg(t1.begin(), t1.end());
  t2_msg.insert(t2_msg.end(), {0x04, 0x02});
  auto t2 = hmac(mk, t2_msg);
  proto::Bytes want44(t1.begin(), t1.end());
  want44.insert(want44.end(), t2.begin(), t2.begin() + 12);

  proto::Bytes out44(44), out28(28);
  ASSERT_TRUE(hkdf_expand(mk, {info}, out44));
  ASSERT_TRUE(hkdf_expand(mk, {info}, out28));
  EXPECT_EQ(out44, want44);
  EXPECT_EQ(out28, first(t1, 28));
  EXPECT_EQ(out44, hex("55a9c33a26ba81fce60eed81439f0c95da92cee89b4f9a42ac94c4ea21cdf6eb"
                       "430e396cb5c934bfbca14010"));
}

TEST(Hkdf, InfoPartsAreConcatenated) {
  const proto::Bytes prk(32, 0x42);
  proto::Bytes whole(50), split(50);
  ASSERT_TRUE(hkdf_expand(prk, {hex("0301a0a1")}, whole));
  ASSERT_TRUE(hkdf_expand(prk, {hex("03"), hex("01a0"), hex("a1")}, split));
  EXPECT_EQ(whole, split);
}

TEST(Hkdf, RejectsTooLongOutputAndShortPrk) {
  const proto::Bytes prk(32, 0x42);
  proto::Bytes too_long(kHkdfMaxOutput + 1);
  auto r = hkdf_expand(prk, {}, too_long);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, proto::Errc::InvalidArgument);
  proto::Bytes max(kHkdfMaxOutput);
  EXPECT_TRUE(hkdf_expand(prk, {}, max));
  proto::Bytes out(32);
  auto short_prk = hkdf_expand(proto::Bytes(31, 1), {}, out);
  ASSERT_FALSE(short_prk);
  EXPECT_EQ(short_prk.error().code, proto::Errc::InvalidArgument);
}

}  // namespace
}  // namespace crypto
