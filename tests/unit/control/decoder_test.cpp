// proto/control streaming decoder: any split of the byte stream gives the same frames;
// errors are typed and sticky.
#include "proto/control/decoder.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/unit/control/sample_frames.h"

namespace proto::control {
namespace {

Bytes stream_of_samples() {
  Bytes all;
  for (const Frame& f : testing::sample_frames()) put_bytes(all, *encode(f));
  return all;
}

std::vector<Frame> drain(Decoder& d) {
  std::vector<Frame> out;
  for (;;) {
    auto f = d.poll_frame();
    EXPECT_TRUE(f) << (f ? "" : f.error().detail);
    if (!f || !*f) return out;
    out.push_back(std::move(**f));
  }
}

TEST(ControlDecoder, ByteByByteDelivery) {
  Bytes all = stream_of_samples();
  Decoder d;
  std::vector<Frame> got;
  for (uint8_t b : all) {
    d.on_bytes(ByteView(&b, 1));
    for (auto& f : drain(d)) got.push_back(std::move(f));
  }
  EXPECT_EQ(got, testing::sample_frames());
  EXPECT_FALSE(d.mid_frame());
}

TEST(ControlDecoder, RandomChunksAndOneBigChunk) {
  Bytes all = stream_of_samples();
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    Decoder d;
    std::vector<Frame> got;
    for (size_t at = 0; at < all.size();) {
      size_t n = std::min(all.size() - at, size_t(1 + rng() % 300));
      d.on_bytes(ByteView(all).subspan(at, n));
      at += n;
      for (auto& f : drain(d)) got.push_back(std::move(f));
    }
    EXPECT_EQ(got, testing::sample_frames()) << "round " << round;
  }
  Decoder d;
  d.on_bytes(all);
  EXPECT_EQ(drain(d), testing::sample_frames());
}

TEST(ControlDecoder, PartialMessageIsReported) {
  Bytes hello = *encode(Frame{1, false, Hello{}});
  Decoder d;
  d.on_bytes(ByteView(hello).first(hello.size() - 1));
  auto f = d.poll_frame();
  ASSERT_TRUE(f);
  EXPECT_FALSE(*f);
  EXPECT_TRUE(d.mid_frame());  // EOF now would truncate a message
}

TEST(ControlDecoder, OversizedLengthRefusedBeforeTheBody) {
  Decoder d(128);
  Frame big{1, false, Error{Fault::Malformed, std::string(200, 'x')}};
  Bytes b = *encode(big);
  d.on_bytes(ByteView(b).first(kHeaderLen));  // only the header has arrived
  auto f = d.poll_frame();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::TooLong);
}

TEST(ControlDecoder, ErrorsAreSticky) {
  Decoder d;
  Bytes bad = *encode(Frame{1, false, Abort{1}});
  bad[2] = 9;  // version
  d.on_bytes(bad);
  auto f = d.poll_frame();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::BadVersion);
  d.on_bytes(*encode(Frame{2, false, Hello{}}));  // a good frame after it is not decoded
  auto again = d.poll_frame();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::BadVersion);
}

TEST(ControlDecoder, MalformedBodyInStream) {
  Bytes good = *encode(Frame{1, false, Shutdown{1, ShutdownHow::Write}});
  Bytes bad = good;
  bad.back() = 7;  // no such direction
  Decoder d;
  d.on_bytes(good);
  d.on_bytes(bad);
  auto first = d.poll_frame();
  ASSERT_TRUE(first && *first);
  auto second = d.poll_frame();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::BadValue);
}

TEST(ControlDecoder, RandomBytesNeverCrash) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 2000; ++i) {
    Decoder d(1024);
    Bytes noise(rng() % 512);
    for (auto& x : noise) x = uint8_t(rng());
    if (noise.size() >= 2 && rng() % 2) store_be16(noise, 0, kMagic);  // get past the magic
    d.on_bytes(noise);
    for (int k = 0; k < 8; ++k) {
      auto f = d.poll_frame();
      if (!f || !*f) break;
    }
  }
}

}  // namespace
}  // namespace proto::control
