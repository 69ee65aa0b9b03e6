// TCP-ENO + tcpcrypt between two SecureConnections over lossy, reordering, duplicating
// links: exact streams, agreement on the session, no plaintext on the wire, the ENO option
// where RFC 8547 §4.6 puts it, key updates and resumption.
#include <gtest/gtest.h>

#include "tests/sim/tcpinc_util.h"

namespace sim {
namespace {

using proto::eno::Role;
using proto::tcpcrypt::AeadId;
namespace tc = proto::tcpcrypt;

constexpr uint8_t kTeps[] = {tc::kTepX25519, tc::kTepX448, tc::kTepP256, tc::kTepP521};
constexpr AeadId kAeads[] = {AeadId::Aes128Gcm, AeadId::Aes256Gcm, AeadId::ChaCha20Poly1305};

SecurePairOptions with_suite(SecurePairOptions opt, uint8_t tep, AeadId aead) {
  for (HostSpec* h : {&opt.a, &opt.b}) {
    h->cfg.policy.teps = {tep};
    h->cfg.session.aeads = {aead};
  }
  return opt;
}

bool syn_carries_eno(const SecureHost& from, const SecureHost& to, bool syn_ack) {
  for (const Bytes& s : from.sent) {
    auto r = parsed(from, to, s);
    if (r && r->has(proto::tcp::kSyn) && r->ack.has_value() == syn_ack) return has_eno(*r);
  }
  return false;
}

bool syn_has_data(const SecureHost& from, const SecureHost& to) {
  for (const Bytes& s : from.sent) {
    auto r = parsed(from, to, s);
    if (r && r->has(proto::tcp::kSyn) && !r->payload.empty()) return true;
  }
  return false;
}

// The first segment A sent after its SYN: the third ACK of the handshake.
std::optional<SegmentRepr> third_ack(const SecureHost& a, const SecureHost& b) {
  for (const Bytes& s : a.sent) {
    auto r = parsed(a, b, s);
    if (r && !r->has(proto::tcp::kSyn)) return r;
  }
  return std::nullopt;
}

// ENO-13, ENO-16, TC-2, TC-45, TC-46, ENO-26/27: every TEP with every AEAD, many seeds with
// loss: exact streams both ways, one session ID on both sides, roles A/B, no marker in
// any TCP payload, ENO in SYN, SYN-ACK and `45 02` in the third ACK.
TEST(TcpincTransfer, EveryTepAndAeadUnderLoss) {
  for (uint8_t tep : kTeps) {
    for (AeadId aead : kAeads) {
      for (uint64_t seed = 1; seed <= 4; ++seed) {
        SecurePair p(with_suite(lossy(20'000), tep, aead), seed);
        p.a().to_send = marked(30'000, seed);
        p.b().to_send = marked(12'000, seed + 100);
        Bytes a_sent = p.a().to_send, b_sent = p.b().to_send;
        p.a().close_when_done = p.b().close_when_done = true;
        ASSERT_TRUE(p.drive_for(900s)) << int(tep) << " seed " << seed;
        EXPECT_EQ(p.b().received, a_sent) << int(tep) << " seed " << seed;
        EXPECT_EQ(p.a().received, b_sent) << int(tep) << " seed " << seed;
        SecureConnection& a = p.a().secure();
        SecureConnection& b = p.b().secure();
        ASSERT_TRUE(a.encrypted() && b.encrypted());
        ASSERT_TRUE(a.session_id().has_value());
        EXPECT_EQ(a.session_id(), b.session_id());
        EXPECT_EQ((*a.session_id())[0] & 0x7f, tep);  // ENO-26: first byte is B's TEP byte
        EXPECT_EQ(a.tep(), tep);
        EXPECT_EQ(a.aead(), aead);
        EXPECT_EQ(b.aead(), aead);
        EXPECT_EQ(a.role(), Role::A);
        EXPECT_EQ(b.role(), Role::B);
        EXPECT_FALSE(a.resumed());
        EXPECT_FALSE(wire_contains(p.a().sent, marker()));  // ENO-16, TC-2
        EXPECT_FALSE(wire_contains(p.b().sent, marker()));
        EXPECT_FALSE(syn_has_data(p.a(), p.b()));  // ENO-18
        EXPECT_FALSE(syn_has_data(p.b(), p.a()));
        EXPECT_TRUE(syn_carries_eno(p.a(), p.b(), false));
        EXPECT_TRUE(syn_carries_eno(p.b(), p.a(), true));
        auto ack = third_ack(p.a(), p.b());
        ASSERT_TRUE(ack);
        ASSERT_EQ(ack->opts.unknown.size(), 1u);
        EXPECT_EQ(Bytes(ack->opts.unknown[0].begin(), ack->opts.unknown[0].end()),
                  (Bytes{69, 2}));  // ENO-1, ENO-13
        EXPECT_EQ(a.stats().app_bytes_sent, a_sent.size());
        EXPECT_EQ(b.stats().app_bytes_received, a_sent.size());
        // ENO-25: after close no traffic key is held.
        EXPECT_FALSE(a.holds_keys());
        EXPECT_FALSE(b.holds_keys());
      }
    }
  }
}

// Heavier impairment, the default suite (X25519, AES-128-GCM), corruption included: the
// TCP checksum catches flipped bits before tcpcrypt sees them.
TEST(TcpincTransfer, ExactStreamsOverManySeeds) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SecurePairOptions opt = lossy(30'000);
    opt.ab.corrupt_ppm = opt.ba.corrupt_ppm = 10'000;
    SecurePair p(opt, seed);
    ASSERT_TRUE(secure_exchange(p, seed, 60'000, 25'000));
    EXPECT_EQ(p.a().secure().session_id(), p.b().secure().session_id());
  }
}

// ENO-15: every SYN retransmission carries the identical ENO option.
TEST(TcpincTransfer, SynRetransmissionsRepeatTheOption) {
  SecurePairOptions opt;
  SecurePair p(opt, 3);
  p.ab().set_down(true);
  p.run_until([] { return false; }, 4s);
  p.ab().set_down(false);
  ASSERT_TRUE(secure_exchange(p, 3, 1000, 1000));
  std::vector<Bytes> syn_options;
  for (const Bytes& s : p.a().sent) {
    auto r = parsed(p.a(), p.b(), s);
    if (r && r->has(proto::tcp::kSyn))
      syn_options.emplace_back(r->opts.unknown.at(0).begin(), r->opts.unknown.at(0).end());
  }
  ASSERT_GE(syn_options.size(), 3u);
  for (const Bytes& o : syn_options) EXPECT_EQ(o, syn_options[0]);
}

// TC-4: the segment that carries the last byte of Init1 (and Init2) has PSH.
TEST(TcpincTransfer, InitMessagesEndWithPush) {
  SecurePair p(SecurePairOptions{}, 5);
  ASSERT_TRUE(secure_exchange(p, 5, 100, 100));
  for (auto [from, to] : {std::pair{&p.a(), &p.b()}, std::pair{&p.b(), &p.a()}}) {
    for (const Bytes& s : from->sent) {
      auto r = parsed(*from, *to, s);
      if (!r || r->payload.empty()) continue;
      EXPECT_TRUE(r->has(proto::tcp::kPsh));  // the first payload segment is the Init
      EXPECT_GE(r->payload.size(), 8u);
      break;
    }
  }
}

// TC-34..TC-39, RFC 8548 §3.8: many key updates both ways during a long transfer, by byte
// volume on A and by time on B; the streams stay exact and generations advance.
TEST(TcpincTransfer, ManyRekeysBothDirections) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SecurePairOptions opt = lossy(10'000);
    // A small TCP send buffer makes the layer seal as TCP drains, so keys change
    // mid-stream (a rekey waits for the peer's answer, TC-36: about one per RTT).
    opt.a.cfg.tcp.send_buffer = opt.b.cfg.tcp.send_buffer = 32 * 1024;
    opt.a.cfg.rekey_after_bytes = 20'000;
    opt.b.cfg.rekey_interval = 50ms;
    SecurePair p(opt, seed);
    ASSERT_TRUE(secure_exchange(p, seed, 1'000'000, 600'000));
    EXPECT_GE(p.a().secure().stats().rekeys_initiated, 5u) << seed;
    EXPECT_GE(p.b().secure().stats().rekeys_initiated, 3u) << seed;
  }
}

// TC-39: request_rekey() on demand; the peer answers (TC-35), so both generations move.
TEST(TcpincTransfer, RekeyOnRequest) {
  SecurePair p(SecurePairOptions{}, 9);
  ASSERT_TRUE(p.run_until([&] { return p.a().secure().encrypted() && p.b().secure().encrypted(); }, 10s));
  EXPECT_TRUE(p.a().secure().request_rekey(p.now()));
  p.run_until([] { return false; }, 1s);
  EXPECT_EQ(p.a().secure().local_generation(), 1u);
  EXPECT_EQ(p.a().secure().remote_generation(), 1u);  // B answered
  EXPECT_EQ(p.b().secure().local_generation(), 1u);
  ASSERT_TRUE(secure_exchange(p, 9, 5000, 5000));
}

// TC-16, TC-20, TC-24: a second connection to the same peer resumes from the shared
// caches (no Init1/Init2 on the wire, so no public-key operation), with a different
// session ID; a third resumes again from the next secret of the chain.
TEST(TcpincTransfer, SecondConnectionResumes) {
  tc::SessionCache cache_a, cache_b;
  std::optional<tc::SessionId> previous;
  for (int round = 0; round < 3; ++round) {
    SecurePairOptions opt = lossy(5'000);
    opt.a.cache = &cache_a;
    opt.b.cache = &cache_b;
    opt.start = Instant{1'000'000 + round * 10'000'000LL};  // within the cache lifetime
    SecurePair p(opt, 20 + round);
    ASSERT_TRUE(secure_exchange(p, 20 + round, 8000, 8000));
    SecureConnection& a = p.a().secure();
    EXPECT_EQ(a.resumed(), round > 0) << round;
    EXPECT_EQ(p.b().secure().resumed(), round > 0) << round;
    EXPECT_EQ(a.session_id(), p.b().secure().session_id());
    EXPECT_NE(a.session_id(), previous);
    previous = a.session_id();
    const uint8_t magic1[] = {0x15, 0x10, 0x1a, 0x0e};
    EXPECT_EQ(wire_contains(p.a().sent, magic1), round == 0) << round;  // Init1 only when fresh
    EXPECT_EQ(cache_a.size(), 1u);
  }
}

// ENO-4, RFC 8547 §4.2: simultaneous open works when one side sets b = 1.
TEST(TcpincTransfer, SimultaneousOpenWithOneSideB) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SecurePairOptions opt = lossy(10'000);
    opt.b.active = true;
    opt.b.cfg.role_b = true;
    SecurePair p(opt, seed);
    ASSERT_TRUE(secure_exchange(p, seed, 10'000, 10'000)) << seed;
    EXPECT_EQ(p.a().secure().role(), Role::A);
    EXPECT_EQ(p.b().secure().role(), Role::B);
    EXPECT_TRUE(p.a().secure().encrypted());
    EXPECT_EQ(p.a().secure().session_id(), p.b().secure().session_id());
  }
}

// ENO-5: the a bit is announced and readable; mandatory app-aware falls back without it.
TEST(TcpincTransfer, AppAwareBit) {
  SecurePairOptions opt;
  opt.a.cfg.app_aware = true;
  SecurePair p(opt, 1);
  ASSERT_TRUE(secure_exchange(p, 1, 100, 100));
  EXPECT_EQ(p.b().secure().peer_app_aware(), true);
  EXPECT_EQ(p.a().secure().peer_app_aware(), false);

  SecurePairOptions strict;
  strict.b.cfg.app_aware_mandatory = true;
  SecurePair q(strict, 2);
  ASSERT_TRUE(secure_exchange(q, 2, 100, 100));
  EXPECT_FALSE(q.a().secure().encrypted());
  EXPECT_EQ(q.b().secure().disable_reason(), proto::eno::DisableReason::PeerNotAppAware);
}

}  // namespace
}  // namespace sim
