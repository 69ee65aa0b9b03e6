// Send buffer, reassembly and SACK scoreboard.
#include <gtest/gtest.h>

#include "proto/tcp/reassembly.h"
#include "proto/tcp/sack_scoreboard.h"
#include "proto/tcp/send_buffer.h"

namespace proto::tcp {
namespace {

Bytes seq_bytes(size_t n, uint8_t start = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(start + i);
  return b;
}

TEST(SendBuffer, BoundedWriteConsumeAndWrapAround) {
  SendBuffer sb(10);
  EXPECT_EQ(sb.write(seq_bytes(7)), 7u);
  EXPECT_EQ(sb.write(seq_bytes(7, 7)), 3u);  // only what fits
  EXPECT_EQ(sb.free_space(), 0u);
  sb.consume(6);
  EXPECT_EQ(sb.write(seq_bytes(6, 10)), 6u);  // wraps around the ring
  Bytes out(10);
  EXPECT_EQ(sb.copy_out(0, out), 10u);
  EXPECT_EQ(out, seq_bytes(10, 6));
  Bytes tail(5);
  EXPECT_EQ(sb.copy_out(8, tail), 2u);
  EXPECT_EQ(sb.copy_out(10, tail), 0u);
  sb.consume(100);
  EXPECT_EQ(sb.size(), 0u);
}

TEST(Reassembly, InOrderOutOfOrderAndOverlaps) {
  Reassembly r(100);
  Bytes data = seq_bytes(60);
  EXPECT_EQ(r.insert(20, ByteView(data).subspan(20, 10)), 0u);  // hole at 0..20
  EXPECT_TRUE(r.has_out_of_order());
  EXPECT_EQ(r.insert(40, ByteView(data).subspan(40, 10)), 0u);
  std::array<Reassembly::Range, 4> ranges{};
  ASSERT_EQ(r.sack_ranges(ranges), 2u);
  EXPECT_EQ(ranges[0].start, 40u);  // most recent first (RFC 2018 §4)
  EXPECT_EQ(ranges[1].start, 20u);
  EXPECT_EQ(r.insert(5, ByteView(data).subspan(5, 30)), 0u);  // overlaps, still a hole
  EXPECT_EQ(r.insert(0, ByteView(data).subspan(0, 8)), 35u);  // fills up to 35
  EXPECT_EQ(r.ready_end(), 35u);
  EXPECT_EQ(r.insert(30, ByteView(data).subspan(30, 30)), 25u);
  Bytes out(100);
  ASSERT_EQ(r.read(out), 60u);
  out.resize(60);
  EXPECT_EQ(out, data);
  EXPECT_FALSE(r.has_out_of_order());
}

TEST(Reassembly, NeverStoresBeyondCapacity) {
  Reassembly r(16);
  Bytes data = seq_bytes(40);
  EXPECT_EQ(r.insert(0, data), 16u);  // the rest does not fit
  EXPECT_EQ(r.free_space(), 0u);
  EXPECT_EQ(r.insert(16, data), 0u);
  Bytes out(4);
  EXPECT_EQ(r.read(out), 4u);
  EXPECT_EQ(r.insert(16, ByteView(data).subspan(16)), 4u);
  Bytes rest(16);
  EXPECT_EQ(r.read(rest), 16u);
  EXPECT_EQ(rest, seq_bytes(16, 4));
}

TEST(Reassembly, RangeCountIsBounded) {
  Reassembly r(10'000);
  Bytes one{1};
  for (uint64_t i = 0; i < 2 * Reassembly::kMaxRanges; ++i) r.insert(2 * i + 2, one);
  std::array<Reassembly::Range, 4> ranges{};
  EXPECT_EQ(r.sack_ranges(ranges), 4u);
  // Only the first kMaxRanges ranges were kept (even offsets 2..128); a new isolated
  // range is refused while the map is full.
  EXPECT_EQ(r.insert(5000, one), 0u);
  Bytes fill(5000, 7);
  EXPECT_EQ(r.insert(0, fill), 5000u);  // not 5001: the byte at 5000 was not stored
}

// RFC 6675 §4 IsLost: more than (DupThresh - 1) * SMSS bytes, or DupThresh blocks,
// SACKed above a hole make it lost.
TEST(SackScoreboard, MarksHolesLostPerRfc6675) {
  SackScoreboard sb;
  SeqNum una{1000}, max{1000 + 10'000};
  TcpOptions o;
  o.sack_count = 2;
  o.sack[0] = SackBlock{SeqNum{3000}, SeqNum{4000}};
  o.sack[1] = SackBlock{SeqNum{6000}, SeqNum{7000}};
  sb.on_ack(una, max, o);
  EXPECT_EQ(sb.sacked_bytes(), 2000u);
  // SMSS 500: 2000 bytes above [1000, 3000) -> lost; 1000 above [4000, 6000) -> not.
  EXPECT_TRUE(sb.is_lost(una, 500));
  EXPECT_FALSE(sb.is_lost(SeqNum{4000}, 500));
  EXPECT_EQ(sb.lost_bytes(una, 500), 2000u);
  auto hole = sb.next_lost(una, 500);
  ASSERT_TRUE(hole);
  EXPECT_EQ(hole->first, SeqNum{1000});
  EXPECT_EQ(hole->second, 2000u);
  EXPECT_FALSE(sb.next_lost(SeqNum{3000}, 500));
  hole = sb.next_lost(SeqNum{2500}, 500);  // HighRxt inside the hole
  ASSERT_TRUE(hole);
  EXPECT_EQ(hole->first, SeqNum{2500});
  // SMSS 1000: 2000 bytes is not more than 2 * SMSS, so nothing is lost yet.
  EXPECT_FALSE(sb.is_lost(una, 1000));
  EXPECT_EQ(sb.lost_bytes(una, 1000), 0u);
  // A third block above makes the first hole lost whatever the byte count.
  TcpOptions third;
  third.sack_count = 1;
  third.sack[0] = SackBlock{SeqNum{8000}, SeqNum{8100}};
  sb.on_ack(una, max, third);
  EXPECT_TRUE(sb.is_lost(una, 1000));
  EXPECT_EQ(sb.lost_bytes(una, 1000), 2000u);
  // A cumulative ACK past the first block forgets it.
  sb.on_ack(SeqNum{4500}, max, TcpOptions{});
  EXPECT_EQ(sb.sacked_bytes(), 1100u);
  EXPECT_FALSE(sb.is_lost(SeqNum{4500}, 1000));
}

TEST(SackScoreboard, IgnoresBlocksOutsideTheWindow) {
  SackScoreboard sb;
  TcpOptions o;
  o.sack_count = 3;
  o.sack[0] = SackBlock{SeqNum{500}, SeqNum{900}};     // below SND.UNA (D-SACK)
  o.sack[1] = SackBlock{SeqNum{2000}, SeqNum{1500}};   // inverted
  o.sack[2] = SackBlock{SeqNum{5000}, SeqNum{99'000}}; // beyond SND.MAX
  sb.on_ack(SeqNum{1000}, SeqNum{10'000}, o);
  EXPECT_TRUE(sb.empty());
}

}  // namespace
}  // namespace proto::tcp
