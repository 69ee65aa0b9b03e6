// tcpcrypt ENO suboptions (RFC 8548 §3.2, §3.5; interpretation 11).
#include "proto/tcpcrypt/suboptions.h"

#include <gtest/gtest.h>

#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;

eno::TepSuboption sub(uint8_t tep, bool v, size_t data_len) {
  eno::TepSuboption s;
  s.tep = tep;
  s.v = v;
  s.data.assign(data_len, 0x5a);
  return s;
}

TEST(Suboptions, Classify) {
  EXPECT_EQ(classify(sub(kTepX25519, false, 0)), SuboptionKind::Fresh);
  for (size_t n = 0; n < 9; ++n)  // TC-18: v=1 with < 9 bytes is a fresh offer
    EXPECT_EQ(classify(sub(kTepX25519, true, n)), SuboptionKind::Fresh) << n;
  for (size_t n = 9; n <= 17; ++n) EXPECT_EQ(classify(sub(kTepP256, true, n)), SuboptionKind::Resume);
  EXPECT_EQ(classify(sub(kTepX448, true, 18)), SuboptionKind::Invalid);  // nonce > 8 bytes
  EXPECT_EQ(classify(sub(0x25, false, 0)), SuboptionKind::Invalid);
  EXPECT_EQ(classify(sub(0x20, false, 0)), SuboptionKind::Invalid);
  EXPECT_EQ(classify(sub(kTepX25519, false, 3)), SuboptionKind::Invalid);
}

TEST(Suboptions, ResumeRoundTripDigestExample) {  // digest §17 resumption block
  ResumeHalf half{};
  Bytes h = hex("68003eadb9e9bb517f");
  std::copy(h.begin(), h.end(), half.begin());
  auto s = resume_suboption(kTepX25519, half, hex("a0a1a2a3a4a5a6a7"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->wire_byte(), 0xa3);
  EXPECT_EQ(hx(s->data), "68003eadb9e9bb517fa0a1a2a3a4a5a6a7");
  auto back = parse_resume(*s);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->half, half);
  EXPECT_EQ(hx(back->nonce), "a0a1a2a3a4a5a6a7");
}

TEST(Suboptions, ResumeRejectsBadInput) {  // TC-14: nonce 0-8 bytes
  ResumeHalf half{};
  EXPECT_FALSE(resume_suboption(kTepX25519, half, Bytes(9, 0)));
  EXPECT_FALSE(resume_suboption(0x30, half, {}));
  EXPECT_TRUE(resume_suboption(kTepX25519, half, {}));  // empty nonce allowed
  EXPECT_EQ(parse_resume(sub(kTepX25519, true, 8)).error().code, Errc::BadValue);
  EXPECT_EQ(fresh_suboption(kTepP521).wire_byte(), 0x22);
}

}  // namespace
}  // namespace proto::tcpcrypt
