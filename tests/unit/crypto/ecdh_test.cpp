// ECDH known answers (RFC 7748 §5.2, §6.1, §6.2; RFC 5903 §8.1, §8.3) and peer-key
// validation (RFC 8548 §5: TC-6, TC-43, TC-44).
#include "crypto/ecdh.h"

#include <gtest/gtest.h>

#include "tests/unit/crypto/test_hex.h"

namespace crypto {
namespace {

using test::hex;

EcdhPrivateKey load(Group g, const proto::Bytes& priv) {
  auto key = EcdhPrivateKey::from_bytes(g, priv);
  EXPECT_TRUE(key) << group_name(g);
  return std::move(*key);
}

proto::Bytes derive(const EcdhPrivateKey& key, const proto::Bytes& peer) {
  auto es = key.derive(peer);
  EXPECT_TRUE(es) << group_name(key.group()) << ": " << (es ? "" : es.error().detail);
  return es ? proto::Bytes(es->view().begin(), es->view().end()) : proto::Bytes{};
}

void expect_invalid_peer(const EcdhPrivateKey& key, const proto::Bytes& peer, const char* what) {
  auto es = key.derive(peer);
  ASSERT_FALSE(es) << group_name(key.group()) << ": " << what;
  EXPECT_EQ(es.error().code, proto::Errc::InvalidPublicKey) << group_name(key.group()) << ": " << what;
}

proto::Bytes with_prefix(uint8_t prefix, const proto::Bytes& x) {
  proto::Bytes out{prefix};
  out.insert(out.end(), x.begin(), x.end());
  return out;
}

TEST(EcdhGroup, Lengths) {
  EXPECT_EQ(public_key_len(Group::P256), 33u);
  EXPECT_EQ(public_key_len(Group::P521), 67u);
  EXPECT_EQ(public_key_len(Group::X25519), 32u);
  EXPECT_EQ(public_key_len(Group::X448), 56u);
  EXPECT_EQ(shared_secret_len(Group::P256), 32u);
  EXPECT_EQ(shared_secret_len(Group::P521), 66u);
  EXPECT_EQ(shared_secret_len(Group::X25519), 32u);
  EXPECT_EQ(shared_secret_len(Group::X448), 56u);
  EXPECT_EQ(private_key_len(Group::P521), 66u);
  EXPECT_STREQ(group_name(Group::X448), "X448");
}

struct ScalarMult {
  Group group;
  const char* scalar;
  const char* u;
  const char* out;
};

// RFC 7748 §5.2: X25519/X448(scalar, u). The second X25519 u has its top bit set, which
// must be masked (RFC 7748 §5).
TEST(EcdhX, Rfc7748ScalarMultVectors) {
  const ScalarMult cases[] = {
      {Group::X25519, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
       "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
       "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
      {Group::X25519, "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
       "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
       "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
      {Group::X448,
       "3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121"
       "700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3",
       "06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9"
       "814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086",
       "ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239f"
       "e14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f"},
      {Group::X448,
       "203d494428b8399352665ddca42f9de8fef600908e0d461cb021f8c5"
       "38345dd77c3e4806e25f46d3315c44e0a5b4371282dd2c8d5be3095f",
       "0fbcc2f993cd56d3305b0b7d9e55d4c1a8fb5dbb52f8e9a1e9b6201b"
       "165d015894e56c4d3570bee52fe205e28a78b91cdfbde71ce8d157db",
       "884a02576239ff7a2f2f63b2db6a9ff37047ac13568e1e30fe63c4a7"
       "ad1b3ee3a5700df34321d62077e63633c575c1c954514e99da7c179d"},
  };
  for (const ScalarMult& c : cases)
    EXPECT_EQ(derive(load(c.group, hex(c.scalar)), hex(c.u)), hex(c.out)) << group_name(c.group);
}

// RFC 7748 §5.2, iterated test, one iteration: k = u = base point; the public key of the
// base-point scalar is X(k, base).
TEST(EcdhX, Rfc7748OneIteration) {
  proto::Bytes k25519(32, 0);
  k25519[0] = 9;
  EXPECT_EQ(derive(load(Group::X25519, k25519), k25519),
            hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
  proto::Bytes k448(56, 0);
  k448[0] = 5;
  EXPECT_EQ(derive(load(Group::X448, k448), k448),
            hex("3f482c8a9f19b01e6c46ee9711d9dc14fd4bf67af30765c2ae2b846a"
                "4d23a8cd0db897086239492caf350b51f833868b9bc2b3bca9cf4113"));
}

struct DhExample {
  Group group;
  const char *a, *a_pub, *b, *b_pub, *k;
};

// RFC 7748 §6.1 and §6.2: both public keys and the shared secret, from both sides.
TEST(EcdhX, Rfc7748DiffieHellman) {
  const DhExample cases[] = {
      {Group::X25519, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
       "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
       "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
       "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
       "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
      {Group::X448,
       "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
       "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
       "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
       "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0",
       "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d"
       "6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
       "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
       "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609",
       "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
       "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d"},
  };
  for (const DhExample& c : cases) {
    EcdhPrivateKey alice = load(c.group, hex(c.a));
    EcdhPrivateKey bob = load(c.group, hex(c.b));
    EXPECT_EQ(proto::Bytes(alice.public_key().begin(), alice.public_key().end()), hex(c.a_pub));
    EXPECT_EQ(proto::Bytes(bob.public_key().begin(), bob.public_key().end()), hex(c.b_pub));
    EXPECT_EQ(derive(alice, hex(c.b_pub)), hex(c.k)) << group_name(c.group);
    EXPECT_EQ(derive(bob, hex(c.a_pub)), hex(c.k)) << group_name(c.group);
  }
}

// TC-44, RFC 7748 §6: low-order inputs force an all-zero output, which must be refused.
// u = 0 and u = 1 are low-order on both curves.
TEST(EcdhX, AllZeroSharedSecretIsRejected) {
  for (Group g : {Group::X25519, Group::X448}) {
    DeterministicRandom rng(7);
    auto key = EcdhPrivateKey::generate(g, rng);
    ASSERT_TRUE(key);
    proto::Bytes u(public_key_len(g), 0);
    expect_invalid_peer(*key, u, "u = 0");
    u[0] = 1;
    expect_invalid_peer(*key, u, "u = 1");
    expect_invalid_peer(*key, proto::Bytes(public_key_len(g) - 1, 9), "short key");
    expect_invalid_peer(*key, proto::Bytes(public_key_len(g) + 1, 9), "long key");
  }
}

struct NistExample {
  Group group;
  const char* i;       // initiator private key
  const char* i_pub;   // compressed g^i
  const char* r_pub;   // compressed g^r (responder)
  const char* girx;    // shared x coordinate
};

const NistExample kRfc5903[] = {
    // RFC 5903 §8.1: giy and gry are odd, hence prefix 03.
    {Group::P256, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
     "03 dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180",
     "03 d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63",
     "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"},
    // RFC 5903 §8.3: giy and gry are even, hence prefix 02; 66-byte values with leading 0s.
    {Group::P521,
     "0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0"
     "95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D 4A52",
     "02 0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE"
     "E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C ED3E",
     "02 00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21"
     "9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9 460F",
     "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04d1427e73ca4b"
     "aa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3ddea"},
};

// RFC 5903 §8.1 / §8.3 (also digest §17 without the 2-byte pubkey_len): public key from
// the private scalar, compressed encoding (TC-43), ES = the shared x coordinate.
TEST(EcdhNist, Rfc5903Examples) {
  for (const NistExample& c : kRfc5903) {
    EcdhPrivateKey key = load(c.group, hex(c.i));
    EXPECT_EQ(proto::Bytes(key.public_key().begin(), key.public_key().end()), hex(c.i_pub))
        << group_name(c.group);
    EXPECT_EQ(derive(key, hex(c.r_pub)), hex(c.girx)) << group_name(c.group);
  }
}

// TC-6, TC-43: IEEE 1363 A.16.10 validation of a compressed peer key.
TEST(EcdhNist, InvalidPeerPointsAreRejected) {
  // Positive controls (x = 0 lies on both curves) and x values with no curve point
  // (x^3 - 3x + b is a non-square mod p: x = 1 on P-256, x = 3 on P-521).
  struct Case {
    const NistExample& example;
    uint8_t x_on, x_off;
    const char* p;  // the field prime
  };
  const Case cases[] = {
      {kRfc5903[0], 0, 1, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"},
      {kRfc5903[1], 0, 3,
       "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
       "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
  };
  for (const Case& c : cases) {
    const Group g = c.example.group;
    EcdhPrivateKey key = load(g, hex(c.example.i));
    const size_t x_len = public_key_len(g) - 1;
    proto::Bytes x(x_len, 0);
    EXPECT_TRUE(key.derive(with_prefix(0x02, x))) << group_name(g) << ": x = 0 is on the curve";
    EXPECT_TRUE(key.derive(with_prefix(0x03, x))) << group_name(g) << ": x = 0 is on the curve";
    x.back() = c.x_off;
    expect_invalid_peer(key, with_prefix(0x02, x), "x not on the curve");
    expect_invalid_peer(key, with_prefix(0x03, x), "x not on the curve");
    const proto::Bytes p = hex(c.p);
    expect_invalid_peer(key, with_prefix(0x02, p), "x = p");
    expect_invalid_peer(key, with_prefix(0x02, proto::Bytes(x_len, 0xff)), "x > p");

    const proto::Bytes good = hex(c.example.r_pub);
    const proto::Bytes good_x(good.begin() + 1, good.end());
    for (uint8_t prefix : {0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0xff})
      expect_invalid_peer(key, with_prefix(prefix, good_x), "non-compressed prefix");
    // Wrong lengths, including the tcpcrypt framing left on and a full uncompressed point.
    proto::Bytes framed{0x00, uint8_t(good.size() + 2)};
    framed.insert(framed.end(), good.begin(), good.end());
    expect_invalid_peer(key, framed, "pubkey_len prefix not stripped");
    expect_invalid_peer(key, proto::Bytes(good.begin(), good.end() - 1), "short");
    proto::Bytes uncompressed = with_prefix(0x04, good_x);
    uncompressed.insert(uncompressed.end(), x_len, 0x11);
    expect_invalid_peer(key, uncompressed, "uncompressed point");
    expect_invalid_peer(key, {}, "empty");
  }
}

TEST(EcdhNist, PrivateScalarOutOfRangeIsRejected) {
  const proto::Bytes n256 = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  EXPECT_EQ(EcdhPrivateKey::from_bytes(Group::P256, proto::Bytes(32, 0)).error().code,
            proto::Errc::InvalidArgument);
  EXPECT_EQ(EcdhPrivateKey::from_bytes(Group::P256, n256).error().code, proto::Errc::InvalidArgument);
  proto::Bytes n_minus_1 = n256;
  n_minus_1.back() -= 1;
  EXPECT_TRUE(EcdhPrivateKey::from_bytes(Group::P256, n_minus_1));
  EXPECT_EQ(EcdhPrivateKey::from_bytes(Group::P521, proto::Bytes(66, 0xff)).error().code,
            proto::Errc::InvalidArgument);
  EXPECT_EQ(EcdhPrivateKey::from_bytes(Group::X25519, proto::Bytes(31, 1)).error().code,
            proto::Errc::InvalidArgument);
}

// Keys drawn from an injected RandomSource: deterministic for a seed, and both sides agree.
TEST(Ecdh, GenerateIsDeterministicAndAgrees) {
  for (Group g : {Group::P256, Group::P521, Group::X25519, Group::X448}) {
    DeterministicRandom r1(42), r2(42), r3(43);
    auto a1 = EcdhPrivateKey::generate(g, r1);
    auto a2 = EcdhPrivateKey::generate(g, r2);
    auto b = EcdhPrivateKey::generate(g, r3);
    ASSERT_TRUE(a1 && a2 && b) << group_name(g);
    EXPECT_EQ(a1->group(), g);
    ASSERT_EQ(a1->public_key().size(), public_key_len(g));
    EXPECT_TRUE(std::equal(a1->public_key().begin(), a1->public_key().end(),
                           a2->public_key().begin(), a2->public_key().end()))
        << group_name(g);
    EXPECT_FALSE(std::equal(a1->public_key().begin(), a1->public_key().end(),
                            b->public_key().begin(), b->public_key().end()))
        << group_name(g);
    proto::Bytes a_pub(a1->public_key().begin(), a1->public_key().end());
    proto::Bytes b_pub(b->public_key().begin(), b->public_key().end());
    proto::Bytes es_a = derive(*a1, b_pub);
    EXPECT_EQ(es_a.size(), shared_secret_len(g));
    EXPECT_EQ(es_a, derive(*b, a_pub)) << group_name(g);
  }
}

// A source that first yields out-of-range scalars: generate() must reject and redraw.
class ScriptedRandom final : public RandomSource {
 public:
  void fill(std::span<uint8_t> out) override {
    std::fill(out.begin(), out.end(), calls_++ < 2 ? 0xff : 0x01);
  }

 private:
  int calls_ = 0;
};

TEST(EcdhNist, GenerateRejectionSamples) {
  ScriptedRandom rng;
  auto key = EcdhPrivateKey::generate(Group::P256, rng);
  ASSERT_TRUE(key);
  auto expected = EcdhPrivateKey::from_bytes(Group::P256, proto::Bytes(32, 0x01));
  ASSERT_TRUE(expected);
  EXPECT_TRUE(std::equal(key->public_key().begin(), key->public_key().end(),
                         expected->public_key().begin(), expected->public_key().end()));
}

}  // namespace
}  // namespace crypto
