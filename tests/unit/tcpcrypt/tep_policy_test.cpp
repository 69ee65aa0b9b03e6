// TcpcryptPolicy: interpretation 11, TC-3, TC-16..TC-22, TC-24.
#include "proto/tcpcrypt/tep_policy.h"

#include <gtest/gtest.h>

#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;
using eno::TepSuboption;

const Bytes kHostA{198, 18, 0, 1};
const Bytes kHostB{198, 18, 0, 2};
constexpr std::string_view kSs1 = "3288a99c5a2c9e735780ba47c29b4e293e4d937409b1e9f0eaa0f8b945f22fb3";

TepSuboption sub(uint8_t tep, bool v = false, Bytes data = {}) {
  TepSuboption s;
  s.tep = tep;
  s.v = v;
  s.data = std::move(data);
  return s;
}

struct Verdict {
  bool valid, resumption;
};
Verdict judge(TcpcryptPolicy& p, uint8_t tep, std::vector<TepSuboption> a, std::vector<TepSuboption> b) {
  auto v = p.judge(tep, a, b);
  return {v.valid, v.resumption};
}

TEST(TcpcryptPolicy, FreshValidity) {
  crypto::DeterministicRandom rng(1);
  TcpcryptPolicy p({}, rng);
  EXPECT_TRUE(judge(p, kTepX25519, {sub(kTepX25519)}, {sub(kTepX25519)}).valid);
  // TC-18: B's v=1 with < 9 bytes is fresh.
  auto v = judge(p, kTepX25519, {sub(kTepX25519)}, {sub(kTepX25519, true, Bytes(8, 1))});
  EXPECT_TRUE(v.valid);
  EXPECT_FALSE(v.resumption);
  // Repeated TEP in one option: not valid (interpretation 11).
  EXPECT_FALSE(judge(p, kTepX25519, {sub(kTepX25519), sub(kTepX25519, true, Bytes(9, 1))},
                     {sub(kTepX25519)}).valid);
  // More than 17 data bytes: not valid.
  EXPECT_FALSE(judge(p, kTepX25519, {sub(kTepX25519, true, Bytes(18, 1))}, {sub(kTepX25519)}).valid);
  EXPECT_FALSE(judge(p, 0x25, {sub(0x25)}, {sub(0x25)}).valid);
}

TEST(TcpcryptPolicy, RestrictedTeps) {  // TC-45: administrators may restrict
  crypto::DeterministicRandom rng(1);
  TcpcryptPolicy p(PolicyConfig{{kTepX25519}}, rng);
  EXPECT_FALSE(p.supports(kTepP256));
  EXPECT_FALSE(judge(p, kTepP256, {sub(kTepP256)}, {sub(kTepP256)}).valid);
  EXPECT_TRUE(p.passive_reply(std::vector{sub(kTepP256)}).empty());
}

TEST(TcpcryptPolicy, AcceptAnyHalvesMode) {  // vectors.md §4
  crypto::DeterministicRandom rng(1);
  PolicyConfig cfg;
  cfg.accept_any_halves = true;
  TcpcryptPolicy p(cfg, rng);
  auto v = judge(p, kTepX25519, {sub(kTepX25519, true, Bytes(9, 1))}, {sub(kTepX25519, true, Bytes(17, 2))});
  EXPECT_TRUE(v.valid);
  EXPECT_TRUE(v.resumption);
  // B resumes but A offered fresh: B's suboption ignored, TEP not valid (TC-19).
  EXPECT_FALSE(judge(p, kTepX25519, {sub(kTepX25519)}, {sub(kTepX25519, true, Bytes(9, 1))}).valid);
  EXPECT_FALSE(p.take_resumption(kTepX25519));  // no secret in this mode
}

TEST(TcpcryptPolicy, PassiveChoosesByPreference) {  // TC-3, TC-17
  crypto::DeterministicRandom rng(1);
  TcpcryptPolicy p(PolicyConfig{{kTepX448, kTepX25519}}, rng);
  auto reply = p.passive_reply(std::vector{sub(kTepP256), sub(kTepX25519), sub(kTepX448)});
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0], sub(kTepX448));
  // A repeated or over-long offer is skipped.
  reply = p.passive_reply(std::vector{sub(kTepX448), sub(kTepX448, true, Bytes(3, 0)), sub(kTepX25519)});
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0], sub(kTepX25519));
  // TC-18: v=1 with < 9 bytes at the passive opener is a fresh offer.
  reply = p.passive_reply(std::vector{sub(kTepX25519, true, Bytes(4, 0))});
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0], sub(kTepX25519));
}

// A was A and B was B in the original session; both caches hold ss[1] (digest §16.4).
struct ResumeFixture {
  crypto::DeterministicRandom rng_a{1}, rng_b{2};
  SessionCache cache_a, cache_b;
  ResumeFixture() {
    EXPECT_TRUE(cache_a.insert(kHostB, CacheSeed{kTepX25519, AeadId::Aes256Gcm, true,
                                                 SecretBytes(ByteView(hex(kSs1))), 1}, Instant{}));
    EXPECT_TRUE(cache_b.insert(kHostA, CacheSeed{kTepX25519, AeadId::Aes256Gcm, false,
                                                 SecretBytes(ByteView(hex(kSs1))), 1}, Instant{}));
  }
};

TEST(TcpcryptPolicy, ResumptionBothSides) {  // TC-16, TC-20, TC-21, TC-22, interpretation 6
  ResumeFixture f;
  TcpcryptPolicy pa(PolicyConfig{}, f.rng_a, &f.cache_a, kHostB);
  TcpcryptPolicy pb(PolicyConfig{}, f.rng_b, &f.cache_b, kHostA);
  auto offer = pa.active_offer();
  ASSERT_EQ(offer.size(), 4u);  // 3 fresh TEPs + the resumption, last, X25519 not repeated
  EXPECT_EQ(offer.back().wire_byte(), 0xa3);
  EXPECT_EQ(offer.back().data.size(), 17u);  // TC-15: 8-byte nonce by default
  EXPECT_EQ(hx(ByteView(offer.back().data).first(9)), "68003eadb9e9bb517f");
  for (size_t i = 0; i + 1 < offer.size(); ++i) EXPECT_NE(offer[i].tep, kTepX25519);
  auto reply = pb.passive_reply(offer);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0].wire_byte(), 0xa3);
  EXPECT_EQ(hx(ByteView(reply[0].data).first(9)), "f018209e286da051f0");
  for (TcpcryptPolicy* p : {&pa, &pb}) {
    auto v = judge(*p, kTepX25519, {offer.back()}, {reply[0]});
    EXPECT_TRUE(v.valid && v.resumption);
    EXPECT_TRUE(judge(*p, kTepX25519, {offer.back()}, {reply[0]}).resumption);  // idempotent
  }
  auto ra = pa.take_resumption(kTepX25519);
  auto rb = pb.take_resumption(kTepX25519);
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->sn(), rb->sn());
  EXPECT_EQ(hx(ra->nonce_a), hx(ByteView(offer.back().data).subspan(9)));
  EXPECT_EQ(hx(ra->secret.ss.view()), kSs1);
  EXPECT_EQ(ra->secret.aead, AeadId::Aes256Gcm);  // interpretation 8
  EXPECT_TRUE(ra->secret.was_a);
  EXPECT_FALSE(rb->secret.was_a);
  EXPECT_FALSE(pa.take_resumption(kTepX25519));
}

TEST(TcpcryptPolicy, SwappedRolesKeepOriginalHalves) {  // TC-26, interpretation 6, 9
  ResumeFixture f;
  // The original B now opens actively (is host A of this connection).
  TcpcryptPolicy new_a(PolicyConfig{}, f.rng_b, &f.cache_b, kHostA);
  TcpcryptPolicy new_b(PolicyConfig{}, f.rng_a, &f.cache_a, kHostB);
  auto offer = new_a.active_offer();
  EXPECT_EQ(hx(ByteView(offer.back().data).first(9)), "f018209e286da051f0");
  auto reply = new_b.passive_reply(offer);
  ASSERT_EQ(reply.size(), 1u);
  ASSERT_TRUE(reply[0].v);
  EXPECT_TRUE(judge(new_a, kTepX25519, {offer.back()}, {reply[0]}).resumption);
  EXPECT_TRUE(judge(new_b, kTepX25519, {offer.back()}, {reply[0]}).resumption);
  auto ra = new_a.take_resumption(kTepX25519);
  auto rb = new_b.take_resumption(kTepX25519);
  ASSERT_TRUE(ra && rb);
  // nonce_a is the nonce of the original A, i.e. of the current host B.
  EXPECT_EQ(hx(ra->nonce_a), hx(ByteView(reply[0].data).subspan(9)));
  EXPECT_EQ(ra->sn(), rb->sn());
}

TEST(TcpcryptPolicy, MismatchingHalfIgnored) {  // TC-19
  ResumeFixture f;
  TcpcryptPolicy pa(PolicyConfig{{kTepX25519}}, f.rng_a, &f.cache_a, kHostB);
  auto offer = pa.active_offer();
  ASSERT_EQ(offer.size(), 1u);
  TepSuboption forged = sub(kTepX25519, true, Bytes(17, 0x77));
  EXPECT_FALSE(judge(pa, kTepX25519, offer, {forged}).valid);
  EXPECT_FALSE(pa.take_resumption(kTepX25519));
  // B chose fresh for the same TEP: valid fresh.
  auto v = judge(pa, kTepX25519, offer, {sub(kTepX25519)});
  EXPECT_TRUE(v.valid);
  EXPECT_FALSE(v.resumption);
}

TEST(TcpcryptPolicy, PassiveDeclinesUnknownHalfAndIgnorePolicy) {  // TC-16, TC-17, TC-27
  ResumeFixture f;
  TcpcryptPolicy pb(PolicyConfig{}, f.rng_b, &f.cache_b, kHostA);
  auto reply = pb.passive_reply(std::vector{sub(kTepX25519, true, Bytes(12, 0x11))});
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(reply[0], sub(kTepX25519));  // fresh with the same TEP
  PolicyConfig ignore;
  ignore.ignore_resumption = true;
  TcpcryptPolicy pa(PolicyConfig{}, f.rng_a, &f.cache_a, kHostB);
  auto offer = pa.active_offer();
  TcpcryptPolicy pb2(ignore, f.rng_b, &f.cache_b, kHostA);
  reply = pb2.passive_reply(offer);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_FALSE(reply[0].v);
  // The active side advanced anyway (TC-24): its next proposal is ss[2].
  auto next = f.cache_a.propose(kHostB, Instant{});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->index, 2u);
}

}  // namespace
}  // namespace proto::tcpcrypt
