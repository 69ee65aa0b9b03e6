// Public-key fields and key agreement (RFC 8548 §5): interpretations 1 and 2, digest §17
// P-256 / P-521 / X25519 values. TC-6, TC-43, TC-44, TC-45.
#include "proto/tcpcrypt/public_key.h"

#include <gtest/gtest.h>

#include "proto/tcpcrypt/constants.h"
#include "proto/tcpcrypt/key_agreement.h"
#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;

constexpr std::string_view kP256Priv = "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433";
constexpr std::string_view kP256Pub = "002303dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180";
constexpr std::string_view kP256Peer = "002303d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63";
constexpr std::string_view kP256Es = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";
// RFC 5903 §8.3: initiator i and responder g^r (compressed).
constexpr std::string_view kP521Priv =
    "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c2952c6771d937"
    "ba9777f5957b2639bab072462f68c27a57382d4a52";
constexpr std::string_view kP521Pub =
    "0045020015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbee1e3bf42e00b8e380aea"
    "e57c2d107564941885942af5a7f4601723c4195d176ced3e";
constexpr std::string_view kP521Peer =
    "00450200d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a219b97c356436adc6e95bb"
    "0352f6be64a6c2912d4ef2d0433ced2b6171640012d9460f";
constexpr std::string_view kP521Es =
    "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4baa240a34786859"
    "810c06b3c715a3a8cc3151f2bee417996d19f3ddea";

crypto::EcdhPrivateKey key(crypto::Group g, std::string_view priv) {
  return std::move(*crypto::EcdhPrivateKey::from_bytes(g, hex(priv)));
}

TEST(PublicKey, FieldLengths) {
  EXPECT_EQ(pub_field_len(kTepP256), 35u);
  EXPECT_EQ(pub_field_len(kTepP521), 69u);
  EXPECT_EQ(pub_field_len(kTepX25519), 32u);
  EXPECT_EQ(pub_field_len(kTepX448), 56u);
  EXPECT_EQ(pub_field_len(0xa3), 32u);  // v bit ignored
  EXPECT_EQ(pub_field_len(0x25), 0u);
  EXPECT_FALSE(tep_group(0x20));
}

TEST(PublicKey, P256DigestExample) {  // TC-43, interpretation 1
  auto k = key(crypto::Group::P256, kP256Priv);
  EXPECT_EQ(hx(*own_pub_field(kTepP256, k)), kP256Pub);
  auto es = agree(kTepP256, k, hex(kP256Peer));
  ASSERT_TRUE(es);
  EXPECT_EQ(hx(es->view()), kP256Es);
}

TEST(PublicKey, P521DigestExample) {  // TC-43, interpretation 1
  auto k = key(crypto::Group::P521, kP521Priv);
  EXPECT_EQ(hx(*own_pub_field(kTepP521, k)), kP521Pub);
  auto es = agree(kTepP521, k, hex(kP521Peer));
  ASSERT_TRUE(es);
  EXPECT_EQ(hx(es->view()), kP521Es);
}

TEST(PublicKey, X25519DigestExample) {
  auto a = key(crypto::Group::X25519, kPrivA);
  auto b = key(crypto::Group::X25519, kPrivB);
  EXPECT_EQ(hx(*own_pub_field(kTepX25519, a)), kPubA);
  EXPECT_EQ(hx(agree(kTepX25519, a, hex(kPubB))->view()), kES);
  EXPECT_EQ(hx(agree(kTepX25519, b, hex(kPubA))->view()), kES);
}

TEST(PublicKey, PubkeyLenCountingOnlyThePointRejected) {  // interpretation 1: 33 / 67
  auto k = key(crypto::Group::P256, kP256Priv);
  Bytes field = hex(kP256Peer);
  store_be16(field, 0, 33);
  EXPECT_EQ(agree(kTepP256, k, field).error().code, Errc::InvalidPublicKey);
  auto k5 = key(crypto::Group::P521, kP521Priv);
  Bytes f5 = hex(kP521Peer);
  store_be16(f5, 0, 67);
  EXPECT_EQ(agree(kTepP521, k5, f5).error().code, Errc::InvalidPublicKey);
}

TEST(PublicKey, NonCompressedFormsRejected) {  // TC-43, interpretation 2
  auto k = key(crypto::Group::P256, kP256Priv);
  for (uint8_t form : {0x00, 0x01, 0x04, 0x06, 0x07}) {
    Bytes field = hex(kP256Peer);
    field[2] = form;
    EXPECT_EQ(agree(kTepP256, k, field).error().code, Errc::InvalidPublicKey) << int(form);
  }
  // An uncompressed point with a length prefix that counts it (2 + 65) is the wrong size.
  Bytes uncompressed(67, 0x11);
  store_be16(uncompressed, 0, 67);
  uncompressed[2] = 0x04;
  EXPECT_EQ(agree(kTepP256, k, uncompressed).error().code, Errc::InvalidPublicKey);
}

TEST(PublicKey, PointNotOnCurveRejected) {  // TC-6, TC-43
  auto k = key(crypto::Group::P256, kP256Priv);
  Bytes field = hex(kP256Peer);
  std::fill(field.begin() + 3, field.end(), 0xff);  // x >= p
  EXPECT_EQ(agree(kTepP256, k, field).error().code, Errc::InvalidPublicKey);
  field = hex("0023020000000000000000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(agree(kTepP256, k, field).error().code, Errc::InvalidPublicKey);  // no such point
}

TEST(PublicKey, AllZeroSharedSecretRejected) {  // TC-44
  auto k = key(crypto::Group::X25519, kPrivA);
  EXPECT_EQ(agree(kTepX25519, k, Bytes(32, 0)).error().code, Errc::InvalidPublicKey);
  Bytes one(32, 0);
  one[0] = 1;  // u = 1 also gives the all-zero output
  EXPECT_EQ(agree(kTepX25519, k, one).error().code, Errc::InvalidPublicKey);
  crypto::DeterministicRandom rng(5);
  auto k448 = crypto::EcdhPrivateKey::generate(crypto::Group::X448, rng);
  ASSERT_TRUE(k448);
  EXPECT_EQ(agree(kTepX448, *k448, Bytes(56, 0)).error().code, Errc::InvalidPublicKey);
}

TEST(PublicKey, WrongLengthOrGroup) {
  auto k = key(crypto::Group::X25519, kPrivA);
  EXPECT_EQ(agree(kTepX25519, k, Bytes(31, 9)).error().code, Errc::InvalidPublicKey);
  EXPECT_EQ(agree(kTepX448, k, Bytes(56, 9)).error().code, Errc::InvalidArgument);
  EXPECT_EQ(encode_pub_field(kTepP256, Bytes(32, 2)).error().code, Errc::InvalidArgument);
  EXPECT_EQ(parse_pub_field(0x30, Bytes(32, 2)).error().code, Errc::InvalidArgument);
}

TEST(PublicKey, AllFourTepsAgree) {  // TC-45
  crypto::DeterministicRandom rng(9);
  for (uint8_t tep : {kTepP256, kTepP521, kTepX25519, kTepX448}) {
    auto a = crypto::EcdhPrivateKey::generate(*tep_group(tep), rng);
    auto b = crypto::EcdhPrivateKey::generate(*tep_group(tep), rng);
    ASSERT_TRUE(a && b);
    auto pa = own_pub_field(tep, *a);
    auto pb = own_pub_field(tep, *b);
    ASSERT_TRUE(pa && pb);
    EXPECT_EQ(pa->size(), pub_field_len(tep));
    EXPECT_EQ(hx(agree(tep, *a, *pb)->view()), hx(agree(tep, *b, *pa)->view())) << int(tep);
  }
}

}  // namespace
}  // namespace proto::tcpcrypt
