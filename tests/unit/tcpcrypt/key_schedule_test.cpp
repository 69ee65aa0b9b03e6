// Key schedule (RFC 8548 §3.3-§3.5, §3.8): every HKDF value of digest §17 and of the
// vectors.md §7 example. TC-11, TC-12, TC-13, TC-23.
#include "proto/tcpcrypt/key_schedule.h"

#include <gtest/gtest.h>

#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;

const crypto::AeadInfo kAes128{crypto::AeadId::Aes128Gcm, 16, 12, 16, "AEAD_AES_128_GCM"};
const crypto::AeadInfo kAes256{crypto::AeadId::Aes256Gcm, 32, 12, 16, "AEAD_AES_256_GCM"};

SecretBytes digest_prk() {
  return compute_prk(hex(kNA), hex(kTranscript), hex(kInit1), hex(kInit2), hex(kES));
}

TEST(KeySchedule, PrkDigestExample) {  // TC-11
  EXPECT_EQ(hx(digest_prk().view()), kPrk);
}

TEST(KeySchedule, FreshSessionDigestExample) {  // TC-11, TC-13
  SecretBytes ss0 = digest_prk();
  auto sid = session_id(0x23, ss0.view(), {});
  EXPECT_EQ(hx(*sid), "232ca5e0b6692af92298c7988ad0544f28e56bc6ea653c2a324235d1f49140e39f");
  auto mk0 = first_master_key(ss0.view(), {});
  EXPECT_EQ(hx(mk0->view()), "f31214fd6fc7fdfc2d4574ce4cb881bc1dff4e243ca3b72f5d66de0e7970c186");
  EXPECT_EQ(hx(traffic_key(mk0->view(), KeyDirection::Ab, kAes128)->view()),
            "55a9c33a26ba81fce60eed81439f0c95da92cee89b4f9a42ac94c4ea");
  EXPECT_EQ(hx(traffic_key(mk0->view(), KeyDirection::Ba, kAes128)->view()),
            "bdd98650485dbd9b7fe6e2447ca178248f83eac910869b7a49ba53a4");
  // 44-byte key: needs T(2) of HKDF-Expand chained correctly.
  EXPECT_EQ(hx(traffic_key(mk0->view(), KeyDirection::Ab, kAes256)->view()),
            "55a9c33a26ba81fce60eed81439f0c95da92cee89b4f9a42ac94c4ea21cdf6eb"
            "430e396cb5c934bfbca14010");
  auto mk1 = next_master_key(mk0->view());
  EXPECT_EQ(hx(mk1->view()), "df9e8e70d1132baa56493fc7cf7e9b7755bcb8cd3c2e4e547604601832c56b03");
  EXPECT_EQ(hx(traffic_key(mk1->view(), KeyDirection::Ab, kAes128)->view()),
            "866aa206b0e5a670de8dab2830c5051853dd963a3db1a7db54306e7d");
  auto ss1 = next_session_secret(ss0.view());
  EXPECT_EQ(hx(ss1->view()), "3288a99c5a2c9e735780ba47c29b4e293e4d937409b1e9f0eaa0f8b945f22fb3");
  auto r1 = resume_id(ss1->view());
  EXPECT_EQ(hx(resume_half(*r1, true)), "68003eadb9e9bb517f");
  EXPECT_EQ(hx(resume_half(*r1, false)), "f018209e286da051f0");
}

TEST(KeySchedule, EnterSessionErasesSecretAndYieldsNext) {  // TC-23
  auto out = enter_session(digest_prk(), {}, 0x23);
  ASSERT_TRUE(out);
  EXPECT_EQ(hx(out->mk0.view()), "f31214fd6fc7fdfc2d4574ce4cb881bc1dff4e243ca3b72f5d66de0e7970c186");
  EXPECT_EQ(hx(out->session_id),
            "232ca5e0b6692af92298c7988ad0544f28e56bc6ea653c2a324235d1f49140e39f");
  EXPECT_EQ(hx(out->ss_next.view()),
            "3288a99c5a2c9e735780ba47c29b4e293e4d937409b1e9f0eaa0f8b945f22fb3");
  EXPECT_EQ(hx(out->resume_next), "68003eadb9e9bb517ff018209e286da051f0");
}

TEST(KeySchedule, ResumptionDigestExample) {  // TC-20, interpretation 6, 7
  SecretBytes ss1(hex("3288a99c5a2c9e735780ba47c29b4e293e4d937409b1e9f0eaa0f8b945f22fb3"));
  Bytes sn = hex("a0a1a2a3a4a5a6a7b0b1b2b3b4b5b6b7");
  auto out = enter_session(std::move(ss1), sn, 0xa3);
  ASSERT_TRUE(out);
  EXPECT_EQ(hx(out->mk0.view()), "69e48ece01a75bb1fbd64a828747508e84b151a799560469ff95aed6661efd80");
  EXPECT_EQ(hx(out->session_id),
            "a3de033f250725eed9d4f113214194090d5018ab51c632c393fe7fc9a4a3f76150");
  EXPECT_EQ(hx(traffic_key(out->mk0.view(), KeyDirection::Ab, kAes128)->view()),
            "a712067e8e011bfbd963d166748291b0aad4a76c1f50b380e1115ebe");
  EXPECT_EQ(hx(traffic_key(out->mk0.view(), KeyDirection::Ba, kAes128)->view()),
            "83ce24dd95293f758b061679b7c4b6afa08d762ee8019c9da904cca1");
  EXPECT_EQ(hx(out->ss_next.view()),
            "0deb2224bf6eaadf2d2165e985853986cd59854e67782e02916e65cb40269fdf");
}

TEST(KeySchedule, VectorsExampleKeySchedule) {  // vectors.md §7
  Bytes init1 = hex(
      "15101a0e0000004f030001000200109b5920cdf66ddb967fc408d2689e0d813439fd09e7ad6c8fce786fef4684"
      "637f8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  Bytes init2 = hex(
      "097105e00000004a00016991831572395bf48a92c046376912c2273ae58659995c41b6e22a32029976b5de9edb"
      "7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  SecretBytes prk = compute_prk(
      hex("9b5920cdf66ddb967fc408d2689e0d813439fd09e7ad6c8fce786fef4684637f"),
      hex("45062122232445040123"), init1, init2, hex(kES));
  EXPECT_EQ(hx(prk.view()), "a9a8e8c71bc3ad706a7ff313db9e03fd1fa26467752355bcd9b51ee2e8570a78");
  EXPECT_EQ(hx(next_session_secret(prk.view())->view()),
            "50c0804a72b9f57a3b07279a40f38bbc6c54cc634de08e1167eea1377aa364b7");
  EXPECT_EQ(hx(*resume_id(prk.view())), "0a349147de11636a85a9104d67755d6855cf");
  auto mk0 = first_master_key(prk.view(), {});
  EXPECT_EQ(hx(mk0->view()), "33930d608ee187c0ed78dd7d6258aa22869bc5f5ffc44f967a992cbece66e910");
  auto mk1 = next_master_key(mk0->view());
  EXPECT_EQ(hx(mk1->view()), "4f5c60d87c635f7ad09f1746369a35a54c92ab85afc312321645fa16d75c02d0");
  EXPECT_EQ(hx(traffic_key(mk1->view(), KeyDirection::Ba, kAes128)->view()),
            "2d907120ab78d1996a227b7b372ccbd875881ca15f243ef8c6e552e6");
  EXPECT_EQ(hx(*session_id(0x23, prk.view(), {})),
            "232ee5be6e177cdb36c15e37b152a7df6cd2163a2a6eab99a37ec46ad8bba62e31");
}

TEST(KeySchedule, DirectionFollowsOriginalRole) {  // TC-12, interpretation 9
  EXPECT_EQ(sending_direction(true), KeyDirection::Ab);
  EXPECT_EQ(sending_direction(false), KeyDirection::Ba);
  EXPECT_EQ(other(KeyDirection::Ab), KeyDirection::Ba);
}

TEST(KeySchedule, ShortKeyRejected) {
  Bytes short_key(16, 1);
  EXPECT_FALSE(next_session_secret(short_key));
  EXPECT_FALSE(enter_session(SecretBytes(ByteView(short_key)), {}, 0x23));
}

}  // namespace
}  // namespace proto::tcpcrypt
