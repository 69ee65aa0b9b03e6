// TCP-ENO fallback (RFC 8547 §4.6, RFC 8548 §3.2): a SecureConnection against a plain TCP
// host in both directions, with no common TEP, with ENO off or without randomness, and
// the required mode that must fail without leaking a byte.
#include <cerrno>

#include <gtest/gtest.h>

#include "tests/sim/tcpinc_util.h"

namespace sim {
namespace {

using proto::Errc;
using proto::eno::DisableReason;
using proto::tcpinc::Mode;
using proto::tcpinc::Protection;

bool any_eno(const SecureHost& from, const SecureHost& to) {
  for (const Bytes& s : from.sent)
    if (auto r = parsed(from, to, s); r && has_eno(*r)) return true;
  return false;
}

bool any_payload(const SecureHost& from, const SecureHost& to) {
  for (const Bytes& s : from.sent)
    if (auto r = parsed(from, to, s); r && !r->payload.empty()) return true;
  return false;
}

// ENO-14 (rule 1), TC-1: an active SecureConnection against a plain listener runs as
// plain TCP with the data intact, over many lossy seeds.
TEST(TcpincFallback, SecureActiveToPlainPeer) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SecurePairOptions opt = lossy(20'000);
    opt.b.kind = Kind::Plain;
    SecurePair p(opt, seed);
    ASSERT_TRUE(secure_exchange(p, seed, 30'000, 20'000));
    EXPECT_EQ(p.a().secure().protection(), Protection::Plain);
    EXPECT_EQ(p.a().secure().disable_reason(), DisableReason::MissingOption);
    EXPECT_FALSE(p.a().secure().session_id().has_value());  // ENO-27: none without encryption
  }
}

// ENO-14: a plain active opener and a passive SecureConnection.
TEST(TcpincFallback, PlainActiveToSecurePeer) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SecurePairOptions opt = lossy(20'000);
    opt.a.kind = Kind::Plain;
    SecurePair p(opt, seed);
    ASSERT_TRUE(secure_exchange(p, seed, 20'000, 30'000));
    EXPECT_EQ(p.b().secure().protection(), Protection::Plain);
    EXPECT_EQ(p.b().secure().disable_reason(), DisableReason::MissingOption);
    EXPECT_FALSE(any_eno(p.b(), p.a()));  // a passive opener answers a plain SYN plainly
  }
}

// Required mode against a plain peer: Closed with EncryptionRequired (ECONNREFUSED), RST,
// and not one application byte on the wire.
TEST(TcpincFallback, RequiredModeFailsWithoutLeaking) {
  for (bool secure_is_active : {true, false}) {
    SecurePairOptions opt;
    HostSpec& secure = secure_is_active ? opt.a : opt.b;
    HostSpec& plain = secure_is_active ? opt.b : opt.a;
    secure.cfg.mode = Mode::Required;
    plain.kind = Kind::Plain;
    SecurePair p(opt, 4);
    SecureHost& s = secure_is_active ? p.a() : p.b();
    SecureHost& other = secure_is_active ? p.b() : p.a();
    s.to_send = marked(5000, 1);
    other.to_send = marked(5000, 2);
    ASSERT_TRUE(run_to_close(p));
    auto closed = s.closed();
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->error, Errc::EncryptionRequired);
    EXPECT_EQ(proto::control::to_errno(*proto::tcpinc::conn_error(*closed)), ECONNREFUSED);
    EXPECT_FALSE(s.saw(SecureEvent::Kind::Connected));
    EXPECT_FALSE(any_payload(s, other));
    EXPECT_TRUE(other.received.empty());
    EXPECT_TRUE(s.received.empty());
    EXPECT_EQ(other.closed()->reason, proto::tcp::CloseReason::Reset);
  }
}

// Mode Off: no ENO option in any segment; the peer falls back.
TEST(TcpincFallback, ModeOffSendsNoOption) {
  SecurePairOptions opt;
  opt.a.cfg.mode = Mode::Off;
  SecurePair p(opt, 5);
  ASSERT_TRUE(secure_exchange(p, 5, 10'000, 10'000));
  EXPECT_FALSE(any_eno(p.a(), p.b()));
  EXPECT_EQ(p.a().secure().disable_reason(), DisableReason::ConfiguredOff);
  EXPECT_EQ(p.b().secure().protection(), Protection::Plain);
}

// ENO-28, TC-49: without randomness no ENO option is sent.
TEST(TcpincFallback, NoOptionWithoutRandomness) {
  SecurePairOptions opt;
  opt.a.cfg.randomness_ready = false;
  SecurePair p(opt, 6);
  ASSERT_TRUE(secure_exchange(p, 6, 1000, 1000));
  EXPECT_FALSE(any_eno(p.a(), p.b()));
  EXPECT_EQ(p.a().secure().disable_reason(), DisableReason::NoRandomness);
}

// TC-1, ENO-14 (rule 2): no common TEP → both plain.
TEST(TcpincFallback, NoCommonTep) {
  SecurePairOptions opt;
  opt.a.cfg.policy.teps = {proto::tcpcrypt::kTepX25519};
  opt.b.cfg.policy.teps = {proto::tcpcrypt::kTepP256};
  SecurePair p(opt, 7);
  ASSERT_TRUE(secure_exchange(p, 7, 10'000, 10'000));
  EXPECT_EQ(p.a().secure().protection(), Protection::Plain);
  EXPECT_EQ(p.b().secure().protection(), Protection::Plain);
  EXPECT_EQ(p.b().secure().disable_reason(), DisableReason::NoValidTep);
}

// ENO-14 (rule 3): both active openers with b = 0 clash; plain TCP results.
TEST(TcpincFallback, SimultaneousOpenRoleClash) {
  SecurePairOptions opt;
  opt.b.active = true;
  SecurePair p(opt, 8);
  ASSERT_TRUE(secure_exchange(p, 8, 1000, 1000));
  EXPECT_EQ(p.a().secure().disable_reason(), DisableReason::RoleClash);
  EXPECT_EQ(p.a().secure().protection(), Protection::Plain);
}

}  // namespace
}  // namespace sim
