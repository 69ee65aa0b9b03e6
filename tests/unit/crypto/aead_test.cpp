// AEAD known answers (RFC 8439 §2.8.2; GCM specification test cases) and the
// behaviour tcpcrypt relies on: tag failure zeroes the output, in-place operation.
#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/crypto/test_hex.h"

namespace crypto {
namespace {

using test::bytes_of;
using test::hex;

struct AeadVector {
  const char* source;
  AeadId id;
  proto::Bytes key, nonce, ad, plaintext, ciphertext_and_tag;
};

proto::Bytes concat(proto::Bytes a, const proto::Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<AeadVector> vectors() {
  // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", revised 2005 (gcm-spec),
  // Appendix B test cases 3, 4 (AES-128) and 15, 16 (AES-256); also NIST SP 800-38D
  // validation examples. 12-byte IV; cases 4 and 16 carry 20 bytes of AAD and a partial
  // final block.
  const proto::Bytes k128 = hex("feffe9928665731c6d6a8f9467308308");
  const proto::Bytes k256 = concat(k128, k128);
  const proto::Bytes iv = hex("cafebabefacedbaddecaf888");
  const proto::Bytes p64 = hex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
  const proto::Bytes p60(p64.begin(), p64.begin() + 60);
  const proto::Bytes aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const proto::Bytes c3 = hex(
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985");
  const proto::Bytes c15 = hex(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad");
  auto first60 = [](const proto::Bytes& c) { return proto::Bytes(c.begin(), c.begin() + 60); };
  return {
      {"GCM test case 3", AeadId::Aes128Gcm, k128, iv, {}, p64,
       concat(c3, hex("4d5c2af327cd64a62cf35abd2ba6fab4"))},
      {"GCM test case 4", AeadId::Aes128Gcm, k128, iv, aad, p60,
       concat(first60(c3), hex("5bc94fbc3221a5db94fae95ae7121a47"))},
      {"GCM test case 15", AeadId::Aes256Gcm, k256, iv, {}, p64,
       concat(c15, hex("b094dac5d93471bdec1a502270e3cc6c"))},
      {"GCM test case 16", AeadId::Aes256Gcm, k256, iv, aad, p60,
       concat(first60(c15), hex("76fc6ece0f4e1768cddf8853bb2d551b"))},
      // RFC 8439 §2.8.2.
      {"RFC 8439 2.8.2", AeadId::ChaCha20Poly1305,
       hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"),
       hex("070000004041424344454647"), hex("50515253c0c1c2c3c4c5c6c7"),
       bytes_of("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                "for the future, sunscreen would be it."),
       hex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
           "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
           "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
           "3ff4def08e4b7a9de576d26586cec64b6116"
           "1ae10b594f09e26a7e902ecbd0600691")},
  };
}

Aead make(const AeadVector& v) {
  auto aead = Aead::create(v.id, v.key);
  EXPECT_TRUE(aead) << v.source;
  return std::move(*aead);
}

// TC-46: the three registered AEADs.
TEST(AeadInfo, RegisteredIdentifiers) {
  ASSERT_NE(aead_info(0x0001), nullptr);
  EXPECT_EQ(aead_info(0x0001)->key_len, 16u);
  EXPECT_STREQ(aead_info(0x0001)->name, "AEAD_AES_128_GCM");
  ASSERT_NE(aead_info(0x0002), nullptr);
  EXPECT_EQ(aead_info(0x0002)->key_len, 32u);
  ASSERT_NE(aead_info(0x0010), nullptr);
  EXPECT_EQ(aead_info(0x0010)->key_len, 32u);
  EXPECT_STREQ(aead_info(0x0010)->name, "AEAD_CHACHA20_POLY1305");
  for (uint16_t id : {0x0001, 0x0002, 0x0010}) {
    EXPECT_EQ(aead_info(id)->nonce_len, 12u);
    EXPECT_EQ(aead_info(id)->tag_len, 16u);
    EXPECT_EQ(uint16_t(aead_info(id)->id), id);
  }
  for (uint16_t id : {0x0000, 0x0003, 0x000f, 0x0011, 0xffff}) EXPECT_EQ(aead_info(id), nullptr);
}

TEST(Aead, KnownAnswersSealAndOpen) {
  for (const AeadVector& v : vectors()) {
    Aead aead = make(v);
    proto::Bytes sealed(v.plaintext.size() + kAeadTagLen);
    ASSERT_TRUE(aead.seal(v.nonce, v.ad, v.plaintext, sealed)) << v.source;
    EXPECT_EQ(sealed, v.ciphertext_and_tag) << v.source;
    proto::Bytes opened(v.plaintext.size());
    ASSERT_TRUE(aead.open(v.nonce, v.ad, v.ciphertext_and_tag, opened)) << v.source;
    EXPECT_EQ(opened, v.plaintext) << v.source;
  }
}

// One context serves many messages in both directions: interleaving must not disturb
// the key schedule or leak state (tag, AAD) from one call into the next.
TEST(Aead, ReusesKeyAcrossInterleavedCalls) {
  for (const AeadVector& v : vectors()) {
    Aead aead = make(v);
    for (int round = 0; round < 3; ++round) {
      proto::Bytes junk(7), junk_out(7 + kAeadTagLen);
      ASSERT_TRUE(aead.seal(hex("000000000000000000000001"), bytes_of("x"), junk, junk_out));
      proto::Bytes opened(v.plaintext.size());
      ASSERT_TRUE(aead.open(v.nonce, v.ad, v.ciphertext_and_tag, opened)) << v.source;
      EXPECT_EQ(opened, v.plaintext) << v.source;
      proto::Bytes sealed(v.plaintext.size() + kAeadTagLen);
      ASSERT_TRUE(aead.seal(v.nonce, v.ad, v.plaintext, sealed)) << v.source;
      EXPECT_EQ(sealed, v.ciphertext_and_tag) << v.source;
    }
  }
}

// TC-30: a modified tag, ciphertext, AD or nonce fails with AuthFailed and no plaintext.
TEST(Aead, TamperFailsAndZeroesOutput) {
  for (const AeadVector& v : vectors()) {
    Aead aead = make(v);
    auto expect_auth_failed = [&](const proto::Bytes& nonce, const proto::Bytes& ad,
                                  const proto::Bytes& ct, const char* what) {
      proto::Bytes out(ct.size() - kAeadTagLen, 0x5a);
      auto r = aead.open(nonce, ad, ct, out);
      ASSERT_FALSE(r) << v.source << ": " << what;
      EXPECT_EQ(r.error().code, proto::Errc::AuthFailed) << v.source << ": " << what;
      EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0; }))
          << v.source << ": " << what;
    };
    proto::Bytes bad_tag = v.ciphertext_and_tag;
    bad_tag.back() ^= 0x01;
    expect_auth_failed(v.nonce, v.ad, bad_tag, "tag");
    proto::Bytes bad_ct = v.ciphertext_and_tag;
    bad_ct[0] ^= 0x80;
    expect_auth_failed(v.nonce, v.ad, bad_ct, "ciphertext");
    expect_auth_failed(v.nonce, concat(v.ad, {0x00}), v.ciphertext_and_tag, "ad");
    proto::Bytes bad_nonce = v.nonce;
    bad_nonce[11] ^= 0x01;
    expect_auth_failed(bad_nonce, v.ad, v.ciphertext_and_tag, "nonce");
    // The key still works after failures.
    proto::Bytes opened(v.plaintext.size());
    EXPECT_TRUE(aead.open(v.nonce, v.ad, v.ciphertext_and_tag, opened)) << v.source;
  }
}

TEST(Aead, InPlaceSealAndOpen) {
  for (const AeadVector& v : vectors()) {
    Aead aead = make(v);
    proto::Bytes buf = v.plaintext;
    buf.resize(v.plaintext.size() + kAeadTagLen);
    std::span<uint8_t> all(buf);
    ASSERT_TRUE(aead.seal(v.nonce, v.ad, all.first(v.plaintext.size()), all)) << v.source;
    EXPECT_EQ(buf, v.ciphertext_and_tag) << v.source;
    ASSERT_TRUE(aead.open(v.nonce, v.ad, all, all.first(v.plaintext.size()))) << v.source;
    EXPECT_EQ(proto::Bytes(buf.begin(), buf.begin() + v.plaintext.size()), v.plaintext);
    // In-place failure wipes the buffer's plaintext part.
    buf = v.ciphertext_and_tag;
    buf[buf.size() - 1] ^= 1;
    std::span<uint8_t> again(buf);
    EXPECT_FALSE(aead.open(v.nonce, v.ad, again, again.first(v.plaintext.size())));
    EXPECT_TRUE(std::all_of(buf.begin(), buf.begin() + v.plaintext.size(),
                            [](uint8_t b) { return b == 0; }));
  }
}

TEST(Aead, EmptyPlaintextAuthenticatesAdOnly) {
  Aead aead = make(vectors()[0]);
  const proto::Bytes nonce(12, 0x01);
  proto::Bytes tag(kAeadTagLen);
  ASSERT_TRUE(aead.seal(nonce, bytes_of("header"), {}, tag));
  proto::Bytes none;
  EXPECT_TRUE(aead.open(nonce, bytes_of("header"), tag, none));
  EXPECT_FALSE(aead.open(nonce, bytes_of("heades"), tag, none));
}

TEST(Aead, RejectsMisuseAndShortInput) {
  EXPECT_EQ(Aead::create(AeadId::Aes128Gcm, proto::Bytes(32)).error().code,
            proto::Errc::InvalidArgument);
  EXPECT_EQ(Aead::create(AeadId(0x0003), proto::Bytes(16)).error().code,
            proto::Errc::InvalidArgument);
  Aead aead = make(vectors()[0]);
  proto::Bytes pt(10), out(10 + kAeadTagLen), short_out(10);
  EXPECT_EQ(aead.seal(proto::Bytes(8), {}, pt, out).error().code, proto::Errc::InvalidArgument);
  EXPECT_EQ(aead.seal(proto::Bytes(12), {}, pt, short_out).error().code,
            proto::Errc::InvalidArgument);
  // Partially overlapping buffers are refused rather than silently corrupted.
  proto::Bytes buf(40);
  std::span<uint8_t> b(buf);
  EXPECT_EQ(aead.seal(proto::Bytes(12), {}, b.subspan(1, 10), b.first(10 + kAeadTagLen)).error().code,
            proto::Errc::InvalidArgument);
  // A ciphertext shorter than a tag is malformed input: AuthFailed, output zeroed.
  proto::Bytes tiny(kAeadTagLen - 1), tiny_out(3, 0x77);
  EXPECT_EQ(aead.open(proto::Bytes(12), {}, tiny, tiny_out).error().code, proto::Errc::AuthFailed);
  EXPECT_EQ(tiny_out, proto::Bytes(3, 0));
}

TEST(Aead, MovedKeyKeepsWorking) {
  const AeadVector v = vectors()[4];
  Aead a = make(v);
  Aead b = std::move(a);
  proto::Bytes sealed(v.plaintext.size() + kAeadTagLen);
  ASSERT_TRUE(b.seal(v.nonce, v.ad, v.plaintext, sealed));
  EXPECT_EQ(sealed, v.ciphertext_and_tag);
  EXPECT_EQ(b.id(), AeadId::ChaCha20Poly1305);
}

}  // namespace
}  // namespace crypto
