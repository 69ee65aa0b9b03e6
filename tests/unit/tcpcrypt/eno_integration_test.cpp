// TcpcryptPolicy inside the real TCP-ENO negotiation (proto/eno), then Sessions started
// from its outcome: interpretation 11, TC-16, TC-19, TC-20, TC-25.
#include <gtest/gtest.h>

#include "proto/eno/negotiation.h"
#include "proto/eno/option.h"
#include "proto/tcpcrypt/session.h"
#include "proto/tcpcrypt/tep_policy.h"
#include "tests/unit/tcpcrypt/test_util.h"

namespace proto::tcpcrypt {
namespace {

using namespace tcpcrypt_test;

const eno::Negotiated* negotiated(const eno::Outcome& o) { return std::get_if<eno::Negotiated>(&o); }

TEST(EnoIntegration, VectorsExampleOptions) {  // vectors.md §7
  crypto::DeterministicRandom rng(1);
  TcpcryptPolicy policy({}, rng);
  auto out = eno::negotiate(hex("450621222324"), hex("45040123"), policy);
  auto* n = negotiated(out);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->tep, kTepX25519);
  EXPECT_EQ(n->tep_byte, 0x23);
  EXPECT_FALSE(n->resumption);
  EXPECT_EQ(hx(n->transcript), "45062122232445040123");
}

TEST(EnoIntegration, DigestResumptionOptionsAcceptAnyHalves) {  // digest §16.4, vectors.md §4
  crypto::DeterministicRandom rng(1);
  PolicyConfig cfg;
  cfg.accept_any_halves = true;
  TcpcryptPolicy policy(cfg, rng);
  Bytes a = hex("451524a368003eadb9e9bb517fa0a1a2a3a4a5a6a7");
  Bytes b = hex("451501a3f018209e286da051f0b0b1b2b3b4b5b6b7");
  auto out = eno::negotiate(a, b, policy);
  auto* n = negotiated(out);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->tep_byte, 0xa3);
  EXPECT_TRUE(n->resumption);
}

TEST(EnoIntegration, ForgedHalfDisablesWhenNothingElseValid) {  // TC-19
  crypto::DeterministicRandom rng(1);
  SessionCache cache;
  const Bytes peer{198, 18, 0, 2};
  ASSERT_TRUE(cache.insert(peer, CacheSeed{kTepX25519, AeadId::Aes128Gcm, true,
                                           SecretBytes(ByteView(hex(kPrk))), 1}, Instant{}));
  TcpcryptPolicy policy(PolicyConfig{{kTepX25519}}, rng, &cache, peer);
  auto offer = policy.active_offer();
  auto opt_a = eno::encode_syn_option(std::nullopt, offer);
  ASSERT_TRUE(opt_a);
  Bytes opt_b = hex("451501a3000000000000000000b0b1b2b3b4b5b6b7");
  auto out = eno::negotiate(*opt_a, opt_b, policy);
  ASSERT_TRUE(std::holds_alternative<eno::Disabled>(out));
  EXPECT_EQ(std::get<eno::Disabled>(out).reason, eno::DisableReason::NoValidTep);
}

struct Host {
  crypto::DeterministicRandom rng;
  SessionCache cache;
  Bytes addr;
};

// One connection from `active` to `passive` through ENO and tcpcrypt; returns both
// session IDs and whether it resumed. Inserts the cache seeds of a fresh session.
struct ConnectionResult {
  SessionId sid_a{}, sid_b{};
  bool resumed = false;
};
ConnectionResult connect(Host& active, Host& passive) {
  TcpcryptPolicy pa({}, active.rng, &active.cache, passive.addr);
  TcpcryptPolicy pb({}, passive.rng, &passive.cache, active.addr);
  auto offer = pa.active_offer();
  auto opt_a = eno::encode_syn_option(std::nullopt, offer);
  auto reply = pb.passive_reply(offer);
  auto opt_b = eno::encode_syn_option(uint8_t(0x01), reply);
  EXPECT_TRUE(opt_a && opt_b);
  auto out_a = eno::negotiate(*opt_a, *opt_b, pa);
  auto out_b = eno::negotiate(*opt_a, *opt_b, pb);
  auto* na = negotiated(out_a);
  auto* nb = negotiated(out_b);
  EXPECT_TRUE(na && nb);
  EXPECT_EQ(na->resumption, nb->resumption);
  auto make = [](TcpcryptPolicy& p, const eno::Negotiated& n, Role role, crypto::RandomSource& rng) {
    std::optional<ResumedStart> r;
    if (n.resumption) r = p.take_resumption(n.tep);
    EXPECT_EQ(n.resumption, r.has_value());
    return std::move(*Session::create(SessionStart{role, n.tep_byte, n.transcript, std::move(r)}, {}, rng));
  };
  Session a = make(pa, *na, Role::A, active.rng);
  Session b = make(pb, *nb, Role::B, passive.rng);
  for (int round = 0; round < 4; ++round) {
    while (auto c = a.poll_stream_bytes()) EXPECT_TRUE(b.on_stream_bytes(c->bytes));
    while (auto c = b.poll_stream_bytes()) EXPECT_TRUE(a.on_stream_bytes(c->bytes));
  }
  EXPECT_TRUE(a.established() && b.established());
  if (auto seed = a.take_cache_seed()) {
    EXPECT_TRUE(active.cache.insert(passive.addr, std::move(*seed), Instant{}));
  }
  if (auto seed = b.take_cache_seed()) {
    EXPECT_TRUE(passive.cache.insert(active.addr, std::move(*seed), Instant{}));
  }
  return {*a.session_id(), *b.session_id(), na->resumption};
}

TEST(EnoIntegration, FreshThenResumedThenResumedSwapped) {  // TC-16, TC-20, TC-25, TC-26
  Host h1{crypto::DeterministicRandom(1), SessionCache{}, {198, 18, 0, 1}};
  Host h2{crypto::DeterministicRandom(2), SessionCache{}, {198, 18, 0, 2}};
  auto c0 = connect(h1, h2);
  EXPECT_FALSE(c0.resumed);
  EXPECT_EQ(c0.sid_a, c0.sid_b);
  auto c1 = connect(h1, h2);
  EXPECT_TRUE(c1.resumed);
  EXPECT_EQ(c1.sid_a, c1.sid_b);
  EXPECT_EQ(c1.sid_a[0], 0xa3);
  auto c2 = connect(h2, h1);  // the original B now opens actively
  EXPECT_TRUE(c2.resumed);
  EXPECT_EQ(c2.sid_a, c2.sid_b);
  EXPECT_NE(c1.sid_a, c2.sid_a);
}

}  // namespace
}  // namespace proto::tcpcrypt
