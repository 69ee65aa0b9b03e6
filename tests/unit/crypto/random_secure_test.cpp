// Injected randomness (reproducible DeterministicRandom, TC-49 readiness) and secret
// handling (constant-time compare, zero check, SecretBytes erasure).
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/random.h"
#include "crypto/secure.h"
#include "tests/unit/crypto/test_hex.h"

namespace crypto {
namespace {

proto::Bytes draw(RandomSource& rng, size_t n) {
  proto::Bytes b(n);
  rng.fill(b);
  return b;
}

TEST(DeterministicRandom, SameSeedSameBytes) {
  DeterministicRandom a(1), b(1);
  for (size_t n : {1u, 32u, 7u, 1000u}) EXPECT_EQ(draw(a, n), draw(b, n)) << n;
}

TEST(DeterministicRandom, DifferentSeedsAndCallsDiffer) {
  DeterministicRandom a(1), b(2);
  const proto::Bytes a1 = draw(a, 32);
  EXPECT_NE(a1, draw(b, 32));
  // Successive calls continue the stream instead of repeating it.
  EXPECT_NE(a1, draw(a, 32));
  // Seeds that differ only in the high byte differ too (all 8 seed bytes are used).
  DeterministicRandom hi(uint64_t(1) << 56), zero(0);
  EXPECT_NE(draw(hi, 32), draw(zero, 32));
}

TEST(DeterministicRandom, EmptyFillDoesNotAdvance) {
  DeterministicRandom a(5), b(5);
  proto::Bytes none;
  a.fill(none);
  EXPECT_EQ(draw(a, 16), draw(b, 16));
}

// TC-49: the system generator is ready and produces distinct draws.
TEST(SystemRandom, ReadyAndProducesFreshBytes) {
  ASSERT_TRUE(system_random_ready());
  SystemRandom rng;
  const proto::Bytes a = draw(rng, 32), b = draw(rng, 32);
  EXPECT_NE(a, b);
  EXPECT_FALSE(ct_is_zero(a));
}

TEST(Secure, CtEqual) {
  const proto::Bytes a = test::hex("00112233"), b = test::hex("00112233"),
                     c = test::hex("00112234"), d = test::hex("001122");
  EXPECT_TRUE(ct_equal(a, b));
  EXPECT_FALSE(ct_equal(a, c));
  EXPECT_FALSE(ct_equal(a, d));  // different lengths
  EXPECT_TRUE(ct_equal({}, {}));
}

TEST(Secure, CtIsZero) {
  EXPECT_TRUE(ct_is_zero(proto::Bytes(56, 0)));
  proto::Bytes last(32, 0);
  last.back() = 0x80;
  EXPECT_FALSE(ct_is_zero(last));
  proto::Bytes first(32, 0);
  first.front() = 1;
  EXPECT_FALSE(ct_is_zero(first));
  EXPECT_TRUE(ct_is_zero({}));
}

TEST(Secure, SecureEraseZeroes) {
  proto::Bytes b(20, 0xab);
  secure_erase(b);
  EXPECT_TRUE(ct_is_zero(b));
  secure_erase({});  // no-op on empty
}

TEST(SecretBytes, ClearErasesAndEmpties) {
  SecretBytes s(test::hex("0102030405060708"));
  // Keep a view of the storage: clear() must wipe it before the vector forgets it
  // (std::vector::clear keeps the capacity, so the bytes stay readable here).
  const uint8_t* storage = s.data();
  const size_t n = s.size();
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(std::all_of(storage, storage + n, [](uint8_t b) { return b == 0; }));
}

TEST(SecretBytes, MoveLeavesSourceEmptyAndCloneCopies) {
  SecretBytes a(test::hex("aabbcc"));
  SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());  // documented moved-from state
  EXPECT_EQ(b.size(), 3u);
  SecretBytes c = b.clone();
  EXPECT_TRUE(ct_equal(b.view(), c.view()));
  c.mut_view()[0] = 0;
  EXPECT_EQ(b[0], 0xaa);  // independent copies
  SecretBytes d(4);
  d = std::move(b);
  EXPECT_EQ(d.size(), 3u);
}

}  // namespace
}  // namespace crypto
