// Encryption frames (RFC 8548 §3.6-§3.8, §4.2): digest §17 and vectors.md §7 frames,
// FAIL cases (interpretation 16), reserved bits (TC-41), sizes (TC-28), rekey chains
// (TC-34, TC-35, TC-38).
#include "proto/tcpcrypt/frame.h"

#include <gtest/gtest.h>

#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;

constexpr std::string_view kKab0 = "55a9c33a26ba81fce60eed81439f0c95da92cee89b4f9a42ac94c4ea";
constexpr std::string_view kKba0 = "bdd98650485dbd9b7fe6e2447ca178248f83eac910869b7a49ba53a4";
constexpr std::string_view kKab1 = "866aa206b0e5a670de8dab2830c5051853dd963a3db1a7db54306e7d";
constexpr std::string_view kMk0 = "f31214fd6fc7fdfc2d4574ce4cb881bc1dff4e243ca3b72f5d66de0e7970c186";

FrameKey make_key(std::string_view tk, AeadId aead = AeadId::Aes128Gcm) {
  return std::move(*FrameKey::create(aead, hex(tk)));
}

Bytes seal(FrameKey& k, uint64_t offset, const FrameFields& f, ByteView data, ReservedBits r = {}) {
  Bytes out(frame_len(data.size(), f.urgent.has_value()));
  EXPECT_TRUE(k.seal(offset, f, data, out, r));
  return out;
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(Frame, NonceDigestExample) {
  Bytes nr_ba = hex("8f83eac910869b7a49ba53a4");
  Bytes nr_ab = hex("da92cee89b4f9a42ac94c4ea");
  EXPECT_EQ(hx(frame_id(79)), "00000000000000000000004f");
  EXPECT_EQ(hx(frame_nonce(nr_ba, 74)), "8f83eac910869b7a49ba53ee");
  EXPECT_EQ(hx(frame_nonce(nr_ab, 79)), "da92cee89b4f9a42ac94c4a5");
  EXPECT_EQ(hx(frame_nonce(nr_ab, 104)), "da92cee89b4f9a42ac94c482");
}

TEST(Frame, SealDigestExampleFrames) {  // digest §17, AES-128-GCM
  FrameKey kba = make_key(kKba0);
  FrameKey kab = make_key(kKab0);
  EXPECT_EQ(hx(seal(kba, 74, {}, text("hi"))), "00001371e6cf1369491c3039d0a5d344dd93cb505475");
  EXPECT_EQ(hx(seal(kab, 79, {}, text("hello"))),
            "000016101923f659cf2b9f4e8ca87752a312f8273cf443d4bd");
  EXPECT_EQ(hx(seal(kab, 104, {false, true, std::nullopt}, {})),
            "00001163c2eb94836763f238d62cef85d141a39f");
}

TEST(Frame, SealVectorsExampleFrames) {  // vectors.md §7
  FrameKey kab = make_key("5a7278d4a7649a3469d6040d58ffdd62bbcfd49b95195a008f7e2247");
  FrameKey kba = make_key("443fc1bde959c46752ee7e02625899d01b93acf73ab8efc3341ba04d");
  EXPECT_EQ(hx(seal(kab, 79, {}, hex("474554202f20485454502f312e300d0a0d0a"))),
            "000023879441f45f169ecd0e9ea4ece744af83d4bd59d042f256fbfdaf0bf55d72a3a3107a7c");
  EXPECT_EQ(hx(seal(kba, 74, {}, hex("485454502f312e3020323030204f4b0d0a0d0a68656c6c6f"))),
            "00002961491876d83350414d7014c1763d0242d362cd39fc447dc0b2b48a62157161269c8a80b655d4314c26");
  EXPECT_EQ(hx(seal(kab, 117, {}, hex("7468616e6b73"))),
            "000017081d3e902f3a0b30bed920f46f9afd0fa0c156ae721ef2");
}

TEST(Frame, DataAlreadyInPlaceIsNotCopied) {
  FrameKey k = make_key(kKba0);
  Bytes frame(frame_len(2, false));
  frame[frame_data_offset(false)] = 'h';
  frame[frame_data_offset(false) + 1] = 'i';
  ASSERT_TRUE(k.seal(74, {}, ByteView(frame).subspan(frame_data_offset(false), 2), frame));
  EXPECT_EQ(hx(frame), "00001371e6cf1369491c3039d0a5d344dd93cb505475");
}

TEST(Frame, OpenRoundTripAllAeads) {
  for (AeadId aead : {AeadId::Aes128Gcm, AeadId::Aes256Gcm, AeadId::ChaCha20Poly1305}) {
    Bytes tk(traffic_key_len(*crypto::aead_info(uint16_t(aead))), 0x42);
    FrameKey k = std::move(*FrameKey::create(aead, tk));
    FrameFields f{true, true, uint16_t(0x0102)};
    Bytes frame = seal(k, 1000, f, text("urgent data"));
    auto opened = k.open_in_place(1000, frame);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->fields, f);
    EXPECT_EQ(Bytes(opened->data.begin(), opened->data.end()), text("urgent data"));
    EXPECT_EQ(opened->length, frame.size());
    // Decrypted in place: flags at 3, urgent big-endian at 4..5 (interpretation 3), data.
    EXPECT_EQ(opened->data.data() - frame.data(), 3 + 3);
    EXPECT_EQ(frame[3], kFlagFinp | kFlagUrgp);
    EXPECT_EQ(frame[4], 0x01);
    EXPECT_EQ(frame[5], 0x02);
  }
}

TEST(Frame, WrongOffsetOrKeyFails) {  // TC-30
  FrameKey k = make_key(kKab0);
  Bytes frame = seal(k, 79, {}, text("hello"));
  Bytes copy = frame;
  EXPECT_EQ(k.open_in_place(80, copy).error().code, Errc::AuthFailed);
  FrameKey other = make_key(kKba0);
  copy = frame;
  EXPECT_EQ(other.open_in_place(79, copy).error().code, Errc::AuthFailed);
}

TEST(Frame, EveryFlippedBitFails) {  // TC-30: control, clen, ciphertext, tag
  FrameKey k = make_key(kKab0);
  Bytes frame = seal(k, 79, {}, text("hello"));
  for (size_t i = 0; i < frame.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes t = frame;
      t[i] ^= uint8_t(1 << bit);
      auto r = k.open_in_place(79, t);
      ASSERT_FALSE(r) << i << " " << bit;
      EXPECT_EQ(r.error().code, Errc::AuthFailed);
    }
  }
}

TEST(Frame, ShortClenFails) {  // interpretation 16
  FrameKey k = make_key(kKab0);
  for (size_t clen : {0, 1, 15, 16}) {
    Bytes f(3 + clen, 0);
    store_be16(f, 1, uint16_t(clen));
    EXPECT_EQ(k.open_in_place(0, f).error().code, Errc::AuthFailed) << clen;
    EXPECT_FALSE(frame_extent(f));
  }
  Bytes hdr = hex("000011");
  EXPECT_EQ(std::get<size_t>(*frame_extent(hdr)), 20u);
  EXPECT_EQ(std::get<NeedMore>(*frame_extent(ByteView(hdr).first(1))).bytes, 2u);
  Bytes truncated = seal(k, 0, {}, text("x"));
  truncated.pop_back();
  EXPECT_EQ(k.open_in_place(0, truncated).error().code, Errc::AuthFailed);
}

// A frame whose authenticated plaintext cannot be parsed: clen = 16 (no flags byte), or
// URGp with fewer than two bytes after the flags byte (interpretation 16).
TEST(Frame, AuthenticatedButUnparsableFails) {
  Bytes tk = hex(kKab0);
  auto aead = crypto::Aead::create(AeadId::Aes128Gcm, ByteView(tk).first(16));
  ASSERT_TRUE(aead);
  FrameKey k = make_key(kKab0);
  for (Bytes plain : {Bytes{}, Bytes{0x02}, Bytes{0x02, 0x00}}) {
    Bytes frame(3 + plain.size() + 16);
    store_be16(frame, 1, uint16_t(plain.size() + 16));
    auto n = frame_nonce(ByteView(tk).subspan(16), 7);
    ASSERT_TRUE(aead->seal(n, ByteView(frame).first(3), plain, MutByteView(frame).subspan(3)));
    EXPECT_EQ(k.open_in_place(7, frame).error().code, Errc::AuthFailed) << plain.size();
  }
}

TEST(Frame, ReservedBitsIgnoredButAuthenticated) {  // TC-41, interpretation 12
  FrameKey k = make_key(kKab0);
  Bytes frame = seal(k, 5, {}, text("x"), ReservedBits{0xfe, 0xfc});
  EXPECT_EQ(frame[0], 0xfe);
  Bytes copy = frame;
  auto opened = k.open_in_place(5, copy);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->fields, FrameFields{});
  // Clearing a reserved bit in transit breaks the AD.
  frame[0] = 0x00;
  EXPECT_EQ(k.open_in_place(5, frame).error().code, Errc::AuthFailed);
  // A compliant sender sends them as zero.
  EXPECT_EQ(seal(k, 6, {true, true, uint16_t(1)}, {})[0], 0x01);
}

TEST(Frame, MaximumSizes) {  // TC-28, interpretation 14
  FrameKey k = make_key(kKab0);
  EXPECT_EQ(frame_len(kMaxFrameData, false), 3u + 65535u);
  EXPECT_EQ(frame_len(kMaxFrameDataUrgent, true), 3u + 65535u);
  Bytes big(kMaxFrameData, 0x61);
  Bytes frame = seal(k, 0, {}, big);
  EXPECT_EQ(load_be16(frame, 1), 65535);
  EXPECT_TRUE(k.open_in_place(0, frame));
  Bytes too_big(kMaxFrameData + 1);
  Bytes out(frame_len(too_big.size(), false));
  EXPECT_EQ(k.seal(0, {}, too_big, out).error().code, Errc::InvalidArgument);
  Bytes urg(kMaxFrameDataUrgent + 1);
  Bytes out2(frame_len(urg.size(), true));
  EXPECT_EQ(k.seal(0, {false, false, uint16_t(0)}, urg, out2).error().code, Errc::InvalidArgument);
  Bytes small(5);
  EXPECT_EQ(k.seal(0, {}, text("a"), small).error().code, Errc::InvalidArgument);
}

TEST(Frame, KeyCreationChecksLength) {
  EXPECT_EQ(FrameKey::create(AeadId::Aes128Gcm, Bytes(44)).error().code, Errc::InvalidArgument);
  EXPECT_EQ(FrameKey::create(AeadId(7), Bytes(28)).error().code, Errc::InvalidArgument);
}

TEST(FrameSealer, RekeyBitOnFirstFrameOfGenerationOnly) {  // TC-34, TC-38, interpretation 15
  SecretBytes mk0(ByteView(hex(kMk0)));
  auto s = FrameSealer::create(AeadId::Aes128Gcm, mk0, KeyDirection::Ab, 79);
  ASSERT_TRUE(s);
  Bytes out;
  ASSERT_TRUE(s->seal(text("hello"), false, std::nullopt, out));
  EXPECT_EQ(hx(out), "000016101923f659cf2b9f4e8ca87752a312f8273cf443d4bd");
  EXPECT_EQ(s->offset(), 104u);
  ASSERT_TRUE(s->raise_generation());
  EXPECT_EQ(s->raise_generation().error().code, Errc::InvalidState);  // one step per frame
  Bytes g1;
  ASSERT_TRUE(s->seal({}, false, std::nullopt, g1));
  ASSERT_TRUE(s->seal(text("z"), false, std::nullopt, g1));
  EXPECT_EQ(g1[0], 0x01);
  EXPECT_EQ(g1[20], 0x00);
  EXPECT_EQ(s->generation(), 1u);
  // Generation 1 uses k_ab[1] of digest §17.
  FrameKey k1 = make_key(kKab1);
  EXPECT_TRUE(k1.open_in_place(104, MutByteView(g1).first(20)));
}

TEST(FrameSealer, NothingAfterFinp) {  // TC-31
  SecretBytes mk0(ByteView(hex(kMk0)));
  auto s = FrameSealer::create(AeadId::Aes128Gcm, mk0, KeyDirection::Ab, 0);
  Bytes out;
  ASSERT_TRUE(s->seal({}, true, std::nullopt, out));
  EXPECT_TRUE(s->fin_sealed());
  EXPECT_EQ(s->seal(text("x"), false, std::nullopt, out).error().code, Errc::InvalidState);
  EXPECT_EQ(out.size(), 20u);
}

TEST(FrameSealer, OffsetWrapRefused) {  // TC-29
  SecretBytes mk0(ByteView(hex(kMk0)));
  auto s = FrameSealer::create(AeadId::Aes128Gcm, mk0, KeyDirection::Ab, UINT64_MAX - 30);
  Bytes out;
  ASSERT_TRUE(s->seal({}, false, std::nullopt, out));
  EXPECT_EQ(s->seal({}, false, std::nullopt, out).error().code, Errc::TooLong);
}

TEST(FrameOpener, StreamWithRekeys) {  // TC-35 (remote generation), TC-37
  SecretBytes mk0(ByteView(hex(kMk0)));
  auto s = FrameSealer::create(AeadId::ChaCha20Poly1305, mk0, KeyDirection::Ba, 74);
  auto o = FrameOpener::create(AeadId::ChaCha20Poly1305, mk0, KeyDirection::Ba, 74);
  ASSERT_TRUE(s && o);
  Bytes stream;
  ASSERT_TRUE(s->seal(text("one"), false, std::nullopt, stream));
  ASSERT_TRUE(s->raise_generation());
  ASSERT_TRUE(s->seal(text("two"), false, std::nullopt, stream));
  ASSERT_TRUE(s->raise_generation());
  ASSERT_TRUE(s->seal(text("three"), false, uint16_t(4), stream));
  ASSERT_TRUE(s->seal(text("four"), true, std::nullopt, stream));
  // Fed one byte at a time: NeedMore until each frame is complete.
  Bytes rx;
  std::vector<std::string> got;
  std::vector<uint64_t> gens;
  for (uint8_t b : stream) {
    rx.push_back(b);
    auto step = o->open_next(rx);
    ASSERT_TRUE(step);
    if (auto* f = std::get_if<OpenedFrame>(&*step)) {
      got.emplace_back(f->data.begin(), f->data.end());
      gens.push_back(o->generation());
      rx.erase(rx.begin(), rx.begin() + std::ptrdiff_t(f->length));
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three", "four"}));
  EXPECT_EQ(gens, (std::vector<uint64_t>{0, 1, 2, 2}));
  EXPECT_EQ(o->offset(), s->offset());
}

TEST(FrameOpener, FailedRekeyFrameCommitsNothing) {
  SecretBytes mk0(ByteView(hex(kMk0)));
  auto s = FrameSealer::create(AeadId::Aes128Gcm, mk0, KeyDirection::Ab, 0);
  auto o = FrameOpener::create(AeadId::Aes128Gcm, mk0, KeyDirection::Ab, 0);
  ASSERT_TRUE(s->raise_generation());
  Bytes stream;
  ASSERT_TRUE(s->seal(text("x"), false, std::nullopt, stream));
  stream.back() ^= 1;
  EXPECT_EQ(o->open_next(stream).error().code, Errc::AuthFailed);
  EXPECT_EQ(o->generation(), 0u);
  EXPECT_EQ(o->offset(), 0u);
  // A rekey bit forged onto a generation-0 frame fails too (never silent corruption).
  auto s0 = FrameSealer::create(AeadId::Aes128Gcm, mk0, KeyDirection::Ab, 0);
  Bytes f0;
  ASSERT_TRUE(s0->seal(text("y"), false, std::nullopt, f0));
  f0[0] |= 0x01;
  EXPECT_EQ(o->open_next(f0).error().code, Errc::AuthFailed);
}

}  // namespace
}  // namespace proto::tcpcrypt
