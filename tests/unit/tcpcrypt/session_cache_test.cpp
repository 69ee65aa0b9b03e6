// Resumption cache (RFC 8548 §3.5): TC-23, TC-24, TC-25, TC-27.
#include "proto/tcpcrypt/session_cache.h"

#include <gtest/gtest.h>

#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;
using std::chrono::seconds;

const Bytes kPeer{198, 18, 0, 2};
const Bytes kOther{198, 18, 0, 3};
constexpr std::string_view kSs1 = "3288a99c5a2c9e735780ba47c29b4e293e4d937409b1e9f0eaa0f8b945f22fb3";

CacheSeed seed(bool was_a) {
  return CacheSeed{kTepX25519, AeadId::Aes128Gcm, was_a, SecretBytes(ByteView(hex(kSs1))), 1};
}

TEST(SessionCache, ProposeGivesDigestHalvesAndAdvances) {  // TC-24
  SessionCache cache;
  ASSERT_TRUE(cache.insert(kPeer, seed(true), Instant{0}));
  auto s1 = cache.propose(kPeer, Instant{1});
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->index, 1u);
  EXPECT_EQ(hx(s1->ss.view()), kSs1);
  EXPECT_EQ(hx(s1->my_half), "68003eadb9e9bb517f");    // was A: bytes 0..8
  EXPECT_EQ(hx(s1->peer_half), "f018209e286da051f0");
  // The attempt counts as used even if it fails: the next proposal is ss[2].
  auto s2 = cache.propose(kPeer, Instant{2});
  ASSERT_TRUE(s2);
  EXPECT_EQ(s2->index, 2u);
  EXPECT_EQ(hx(s2->ss.view()), "0deb2224bf6eaadf2d2165e985853986cd59854e67782e02916e65cb40269fdf");
  EXPECT_EQ(s2->chain_id, s1->chain_id);
}

TEST(SessionCache, PassiveLookupByHalfSingleUse) {  // TC-16, TC-25
  SessionCache cache;
  ASSERT_TRUE(cache.insert(kPeer, seed(false), Instant{0}));  // this host was B
  ResumeHalf a_half{};
  Bytes h = hex("68003eadb9e9bb517f");
  std::copy(h.begin(), h.end(), a_half.begin());
  EXPECT_FALSE(cache.take_by_half(kOther, kTepX25519, a_half, Instant{1}));  // other peer
  EXPECT_FALSE(cache.take_by_half(kPeer, kTepX448, a_half, Instant{1}));     // TEP mismatch
  auto s = cache.take_by_half(kPeer, kTepX25519, a_half, Instant{1});
  ASSERT_TRUE(s);
  EXPECT_EQ(hx(s->my_half), "f018209e286da051f0");
  EXPECT_EQ(hx(s->ss.view()), kSs1);
  // Single use: the same half no longer names anything.
  EXPECT_FALSE(cache.take_by_half(kPeer, kTepX25519, a_half, Instant{2}));
  EXPECT_EQ(cache.size(), 1u);  // the chain lives on with ss[2]
}

TEST(SessionCache, ExpiryAndBound) {  // TC-23: bounded lifetime
  SessionCache cache(CacheConfig{2, seconds(10)});
  ASSERT_TRUE(cache.insert(kPeer, seed(true), Instant{0}));
  ASSERT_TRUE(cache.insert(kOther, seed(true), Instant{1'000'000}));
  ASSERT_TRUE(cache.insert(kOther, seed(false), Instant{2'000'000}));  // evicts kPeer's
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.next_expiry(), Instant{11'000'000});  // the owner's erase timer
  EXPECT_FALSE(cache.propose(kPeer, Instant{3'000'000}));
  cache.expire(Instant{11'000'000});
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.propose(kOther, Instant{20'000'000}));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.next_expiry());
}

TEST(SessionCache, Flush) {  // TC-27 (3)
  SessionCache cache;
  auto id = cache.insert(kPeer, seed(true), Instant{0});
  ASSERT_TRUE(cache.insert(kOther, seed(true), Instant{0}));
  ASSERT_TRUE(id);
  EXPECT_TRUE(cache.flush_chain(*id));
  EXPECT_FALSE(cache.flush_chain(*id));
  EXPECT_EQ(cache.flush_peer(kOther), 1u);
  ASSERT_TRUE(cache.insert(kPeer, seed(true), Instant{0}));
  cache.flush_all();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SessionCache, RejectsBadSeed) {
  SessionCache cache;
  CacheSeed s = seed(true);
  s.ss = SecretBytes(4);
  EXPECT_EQ(cache.insert(kPeer, std::move(s), Instant{0}).error().code, Errc::InvalidArgument);
}

}  // namespace
}  // namespace proto::tcpcrypt
