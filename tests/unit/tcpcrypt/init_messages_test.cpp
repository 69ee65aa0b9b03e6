// Init1 / Init2 codec (RFC 8548 §4.1): digest §17 bytes, incremental reading, errors.
#include "proto/tcpcrypt/init_messages.h"

#include <gtest/gtest.h>

#include "proto/tcpcrypt/public_key.h"
#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;

Init1 example_init1() {
  Init1 m;
  m.sym_ciphers = {0x0001, 0x0002, 0x0010};
  auto na = hex(kNA);
  std::copy(na.begin(), na.end(), m.n_a.begin());
  m.pub = hex(kPubA);
  return m;
}

Init2 example_init2() {
  Init2 m;
  m.sym_cipher = 0x0001;
  auto nb = hex(kNB);
  std::copy(nb.begin(), nb.end(), m.n_b.begin());
  m.pub = hex(kPubB);
  return m;
}

TEST(InitMessages, EncodeDigestExample) {  // TC-40: nothing after Pub when we send
  EXPECT_EQ(hx(*encode(kTepX25519, example_init1())), kInit1);
  EXPECT_EQ(hx(*encode(kTepX25519, example_init2())), kInit2);
}

TEST(InitMessages, ParseDigestExample) {
  auto i1 = parse_init1(kTepX25519, hex(kInit1));
  ASSERT_TRUE(i1);
  EXPECT_EQ(i1->sym_ciphers, (std::vector<uint16_t>{1, 2, 16}));
  EXPECT_EQ(hx(i1->pub), kPubA);
  EXPECT_TRUE(i1->ignored.empty());
  auto i2 = parse_init2(kTepX25519, hex(kInit2));
  ASSERT_TRUE(i2);
  EXPECT_EQ(i2->sym_cipher, 1);
  EXPECT_EQ(hx(i2->n_b), kNB);
}

TEST(InitMessages, SizesPerTep) {  // digest §5.4
  struct Case { uint8_t tep; size_t init1_k1, init2; };
  for (Case c : {Case{kTepP256, 78, 77}, Case{kTepP521, 112, 111}, Case{kTepX25519, 75, 74},
                 Case{kTepX448, 99, 98}}) {
    Init1 m1;
    m1.sym_ciphers = {1};
    m1.pub.assign(pub_field_len(c.tep), 0);
    Init2 m2;
    m2.pub = m1.pub;
    EXPECT_EQ(encode(c.tep, m1)->size(), c.init1_k1);
    EXPECT_EQ(encode(c.tep, m2)->size(), c.init2);
  }
}

TEST(InitMessages, IgnoredTailAcceptedAndKept) {  // TC-40, interpretation 4
  Init1 m = example_init1();
  m.ignored = {0xde, 0xad};
  auto wire = *encode(kTepX25519, m);
  ASSERT_EQ(wire.size(), 81u);
  EXPECT_EQ(load_be32(wire, 4), 81u);
  auto back = parse_init1(kTepX25519, wire);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ignored, (Bytes{0xde, 0xad}));
}

TEST(InitMessages, IncrementalReading) {  // TC-4: a message may span segments
  Bytes wire = hex(kInit1);
  Bytes stream = wire;
  stream.push_back(0x00);  // the first byte of A's first frame follows
  for (size_t have = 0; have < wire.size(); ++have) {
    auto step = read_init1(kTepX25519, ByteView(stream).first(have));
    ASSERT_TRUE(step) << have;
    ASSERT_TRUE(std::holds_alternative<NeedMore>(*step)) << have;
    EXPECT_GE(std::get<NeedMore>(*step).bytes, 1u);
    EXPECT_LE(have + std::get<NeedMore>(*step).bytes, wire.size());
  }
  auto done = read_init1(kTepX25519, stream);
  ASSERT_TRUE(done);
  ASSERT_TRUE(std::holds_alternative<Parsed<Init1>>(*done));
  EXPECT_EQ(std::get<Parsed<Init1>>(*done).length, wire.size());
}

TEST(InitMessages, BadMagicDetectedEarly) {
  auto step = read_init2(kTepX25519, hex("0971"));
  ASSERT_TRUE(step);
  EXPECT_TRUE(std::holds_alternative<NeedMore>(*step));
  auto bad = read_init2(kTepX25519, hex("0972"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::BadMagic);
  // An Init2 where an Init1 is expected.
  auto swapped = parse_init1(kTepX25519, hex(kInit2));
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().code, Errc::BadMagic);
}

TEST(InitMessages, ShortMessageLength) {
  Bytes wire = hex(kInit2);
  store_be32(wire, 4, 73);  // one byte short of the fixed part
  auto r = read_init2(kTepX25519, wire);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::BadMessageLength);
  store_be32(wire, 4, 0);
  EXPECT_EQ(read_init2(kTepX25519, wire).error().code, Errc::BadMessageLength);
  // Init1 whose nciphers claims more ciphers than message_len can hold.
  Bytes w1 = hex(kInit1);
  w1[8] = 4;
  EXPECT_EQ(read_init1(kTepX25519, w1).error().code, Errc::BadMessageLength);
}

TEST(InitMessages, OverLocalLimit) {
  Bytes wire = hex(kInit1);
  store_be32(wire, 4, 0xffffffff);
  EXPECT_EQ(read_init1(kTepX25519, wire).error().code, Errc::BadMessageLength);
  store_be32(wire, 4, 100);
  EXPECT_EQ(read_init1(kTepX25519, wire, 99).error().code, Errc::BadMessageLength);
}

TEST(InitMessages, ExactParseRejectsTruncatedAndLong) {
  Bytes wire = hex(kInit2);
  EXPECT_EQ(parse_init2(kTepX25519, ByteView(wire).first(50)).error().code, Errc::Truncated);
  wire.push_back(0);
  EXPECT_EQ(parse_init2(kTepX25519, wire).error().code, Errc::TooLong);
}

TEST(InitMessages, EncodeRejectsBadInput) {
  Init1 m = example_init1();
  EXPECT_EQ(encode(0x25, m).error().code, Errc::InvalidArgument);
  EXPECT_EQ(encode(kTepX448, m).error().code, Errc::InvalidArgument);  // 32-byte pub
  m.sym_ciphers.assign(256, 1);
  EXPECT_EQ(encode(kTepX25519, m).error().code, Errc::InvalidArgument);
}

TEST(InitMessages, EveryTruncationIsTypedNotCrash) {
  for (uint8_t tep : {kTepP256, kTepP521, kTepX25519, kTepX448}) {
    Bytes junk(200, 0xff);
    for (size_t n = 0; n <= junk.size(); ++n) {
      (void)read_init1(tep, ByteView(junk).first(n));
      (void)read_init2(tep, ByteView(junk).first(n));
    }
  }
}

}  // namespace
}  // namespace proto::tcpcrypt
