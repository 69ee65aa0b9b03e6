// Malformed and hostile input never crashes, reads out of bounds or trips UB (run under
// ASan/UBSan), in every state.
#include <gtest/gtest.h>

#include <random>

#include "tests/unit/tcp/harness.h"

namespace proto::tcp::test {
namespace {

TEST(Robustness, RandomBytesNeverCrashTheParser) {
  std::mt19937_64 rng(1);
  Bytes src{1, 2, 3, 4}, dst{5, 6, 7, 8};
  size_t parsed = 0;
  for (int i = 0; i < 20'000; ++i) {
    Bytes b(rng() % 80);
    for (auto& x : b) x = uint8_t(rng());
    if (b.size() > 12 && rng() % 2) b[12] = uint8_t((5 + rng() % 11) << 4);  // plausible offset
    auto v = SegmentView::parse(b);
    if (!v) continue;
    auto r = SegmentRepr::from(*v);  // checksum deliberately not required here
    if (r) ++parsed;
    (void)parse_segment(b, src, dst);
  }
  EXPECT_GT(parsed, 0u);
}

// Random segments (sequence numbers near and far, random flags, options, payloads) fed to
// a connection in each state, interleaved with timers and app calls.
TEST(Robustness, RandomSegmentsInEveryState) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    Config cfg;
    cfg.receive_buffer = 4096;
    cfg.send_buffer = 4096;
    Harness h(cfg);
    uint32_t iss = 0;
    switch (seed % 4) {
      case 0: h.listen(); break;
      case 1: h.connect(); iss = h.drain().at(0).seg.seq.v; break;
      default: iss = h.establish_passive(); break;
    }
    if (seed % 4 == 3) h.conn().close(h.now);
    Bytes payload(3000, 'p');
    for (int i = 0; i < 400; ++i) {
      uint32_t near_rcv = Harness::kPeerIss + 1 + uint32_t(rng() % 9000) - 3000;
      uint32_t seq = rng() % 4 ? near_rcv : uint32_t(rng());
      uint32_t near_snd = iss + uint32_t(rng() % 9000) - 3000;
      std::optional<uint32_t> ack;
      if (rng() % 5) ack = rng() % 4 ? near_snd : uint32_t(rng());
      SegmentRepr s = h.peer(seq, ack, uint8_t(rng() & (kFin | kSyn | kRst | kPsh | kUrg)),
                             uint16_t(rng()));
      if (rng() % 3 == 0) s.opts.timestamps.reset();
      if (rng() % 3 == 0) s.opts.timestamps = Timestamps{uint32_t(rng()), uint32_t(rng())};
      if (rng() % 4 == 0) {
        s.opts.sack_count = uint8_t(1 + rng() % 4);
        for (size_t k = 0; k < s.opts.sack_count; ++k)
          s.opts.sack[k] = SackBlock{SeqNum{near_snd}, SeqNum{near_snd + uint32_t(rng() % 5000)}};
      }
      if (rng() % 4 == 0) s.opts.window_scale = uint8_t(rng() % 15);
      if (rng() % 4 == 0) s.opts.mss = uint16_t(rng());
      s.payload = ByteView(payload).first(rng() % 3 ? 0 : rng() % payload.size());
      h.feed(s);
      if (rng() % 3 == 0) h.conn().on_app_data(ByteView(payload).first(rng() % 2000), h.now);
      if (rng() % 5 == 0) {
        Bytes sink(rng() % 3000);
        h.conn().poll_read(sink, h.now);
      }
      if (rng() % 7 == 0) h.advance(std::chrono::milliseconds(rng() % 3000));
      if (rng() % 50 == 0) h.conn().on_path_mtu(uint32_t(rng() % 2000), h.now);
      for (auto& out : h.drain()) ASSERT_LE(out.bytes.size(), kMaxHeaderLen + 1460u);
      h.events();
    }
  }
}

}  // namespace
}  // namespace proto::tcp::test
