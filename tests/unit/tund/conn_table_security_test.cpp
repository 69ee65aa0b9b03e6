// ENO + tcpcrypt through tund's connection table: two ConnTables back to back, each with its
// own SecureEndpoint, RNG and resumption cache. What the control protocol reports
// (SecurityInfo, status, counters) and what the apps see (tests/README.md names the items).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "tests/unit/tund/conn_table_fixture.h"
#include "tund/conn_table/security.h"

namespace tund::conn_table {
namespace {

namespace pc = proto::control;
using namespace tund::conn_table::fixture;

constexpr uint16_t kPort = 8080;

class ConnTableSecurityTest : public ConnTableTest {
 protected:
  explicit ConnTableSecurityTest(ConnTableConfig a = config_for(kAddrA),
                                 ConnTableConfig b = config_for(kAddrB))
      : ConnTableTest(std::move(a), std::move(b)) {}

  void listen_on_b(pc::EnoOptions options = {}) {
    pc::Listen listen;
    listen.local.port = kPort;
    listen.backlog = 8;
    listen.options = std::move(options);
    ASSERT_TRUE(b_.listen(client_, listen, {}));
  }
  std::optional<pc::ConnectionStatus> status_of(ConnTable& t, uint64_t token) {
    for (auto& s : t.status(client_))
      if (s.token == token) return s;
    return std::nullopt;
  }
  // A connection A → B that carries `size` patterned bytes, then EOF; checks them at B.
  void send_and_check(size_t size) {
    listen_on_b();
    auto grant = connect_and_wait(connect_to(kPort));
    ASSERT_TRUE(grant);
    int app_a = grant->carrier.get(), app_b = events_b_.incoming.back().second.get();
    std::string big(size, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = char(i * 2654435761u >> 24);
    size_t sent = 0;
    std::string got;
    ASSERT_TRUE(run_until([&] {
      if (sent < big.size()) {
        ssize_t n = ::send(app_a, big.data() + sent, big.size() - sent, MSG_DONTWAIT);
        if (n > 0) sent += size_t(n);
        if (sent == big.size()) ::shutdown(app_a, SHUT_WR);
      }
      std::string part;
      while (!(part = read_now(app_b)).empty()) got += part;
      return got.size() >= big.size() && eof_or_error(app_b);
    })) << "sent " << sent << " got " << got.size();
    EXPECT_EQ(err_, 0);
    EXPECT_TRUE(got == big);
  }
  // Sends `text` from one app end and reads it at the other.
  bool echo(int from, int to, const std::string& text) {
    if (::send(from, text.data(), text.size(), 0) != ssize_t(text.size())) return false;
    std::string got;
    return run_until([&] { got += read_now(to); return got.size() >= text.size(); }) && got == text;
  }
};

TEST_F(ConnTableSecurityTest, EncryptedConnectionReportsEqualSessionIdsAndRoles) {  // ENO-26, ENO-27, TC-13
  listen_on_b();
  auto grant = connect_and_wait(connect_to(kPort));
  ASSERT_TRUE(grant);
  const auto& a = events_a_.results.back().security;
  const auto& b = events_b_.incoming.back().first.security;
  EXPECT_TRUE(a.encrypted);
  EXPECT_TRUE(b.encrypted);
  EXPECT_EQ(a.role, pc::Role::A);
  EXPECT_EQ(b.role, pc::Role::B);
  EXPECT_EQ(a.tep, 0x23);  // X25519: tund's default first choice (TC-45)
  EXPECT_EQ(a.aead, 0x0001);
  EXPECT_EQ(a.session_id.size(), 33u);
  EXPECT_EQ(a.session_id[0], 0x23);  // B's TEP byte
  EXPECT_EQ(a.session_id, b.session_id);
  EXPECT_EQ(a.self_gopt, 0);
  EXPECT_EQ(b.self_gopt & 0x01, 0x01);  // after listen b = 1 (api.md §4)
  EXPECT_TRUE(echo(grant->carrier.get(), events_b_.incoming.back().second.get(), "marker"));
  auto st = status_of(a_, grant->token);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->mode, pc::Mode::Opportunistic);
  EXPECT_EQ(st->security, a);
  EXPECT_EQ(a_.stats().encrypted, 1u);
  EXPECT_EQ(b_.stats().encrypted, 1u);
  EXPECT_EQ(a_.stats().plain, 0u);
}

TEST_F(ConnTableSecurityTest, BulkBytesArriveExactlyThenEof) {  // TC-2, TC-31, TC-32
  send_and_check(8 << 20);
  EXPECT_EQ(a_.stats().key_updates, 0u);
}

TEST_F(ConnTableSecurityTest, PerConnectionTepAndAeadOverrideTheDefaults) {  // TC-8, TC-45, TC-46
  listen_on_b();
  pc::Connect req = connect_to(kPort);
  req.options.teps = {0x21, 0x24};        // increasing preference: X448 most preferred
  req.options.aeads_offer = {0x0010};     // ChaCha20-Poly1305 only
  ASSERT_TRUE(connect_and_wait(req));
  const auto& a = events_a_.results.back().security;
  EXPECT_TRUE(a.encrypted);
  EXPECT_EQ(a.tep, 0x24);  // B's default order prefers X25519 (not offered), then X448
  EXPECT_EQ(a.aead, 0x0010);
}

TEST_F(ConnTableSecurityTest, UnknownTepOrAeadIsRefusedAtOnce) {
  pc::Connect req = connect_to(kPort);
  req.options.teps = {0x30};
  EXPECT_EQ(a_.connect(client_, req, {}).error(), pc::ConnError::InvalidRequest);
  req.options.teps = {};
  req.options.aeads_offer = {0x0003};
  EXPECT_EQ(a_.connect(client_, req, {}).error(), pc::ConnError::InvalidRequest);
}

TEST_F(ConnTableSecurityTest, ModeOffOnEitherSideFallsBackToPlainTcp) {  // ENO-14, ENO-27 (no session ID)
  pc::EnoOptions off;
  off.mode = pc::Mode::Off;
  listen_on_b(off);
  auto grant = connect_and_wait(connect_to(kPort));
  ASSERT_TRUE(grant);
  EXPECT_FALSE(events_a_.results.back().security.encrypted);
  EXPECT_FALSE(events_b_.incoming.back().first.security.encrypted);
  EXPECT_TRUE(events_a_.results.back().security.session_id.empty());
  EXPECT_TRUE(echo(grant->carrier.get(), events_b_.incoming.back().second.get(), "plain bytes"));
  EXPECT_EQ(a_.stats().plain, 1u);
  EXPECT_EQ(status_of(b_, events_b_.incoming.back().first.token)->mode, pc::Mode::Off);
}

TEST_F(ConnTableSecurityTest, RequiredModeAgainstAPlainPeerFailsWithEconnrefused) {  // api.md TCP_ENO_TEP_MANDATORY
  pc::EnoOptions off;
  off.mode = pc::Mode::Off;
  listen_on_b(off);
  pc::Connect req = connect_to(kPort);
  req.options.mode = pc::Mode::Required;
  auto grant = connect_and_wait(req);
  ASSERT_TRUE(grant);
  EXPECT_EQ(events_a_.results.back().error, pc::ConnError::EnoRequired);
  EXPECT_EQ(pc::to_errno(pc::ConnError::EnoRequired), ECONNREFUSED);
  EXPECT_TRUE(eof_or_error(grant->carrier.get()));
  EXPECT_EQ(err_, ECONNRESET);  // the gate: never a usable plaintext socket
  EXPECT_EQ(a_.stats().eno_required_failures, 1u);
}

TEST_F(ConnTableSecurityTest, AppAwareBitsTravelAndMandatoryModeNeedsThePeers) {  // ENO-5
  pc::EnoOptions aware;
  aware.app_aware = true;
  listen_on_b(aware);
  pc::Connect req = connect_to(kPort);
  req.options.app_aware = true;
  req.options.app_aware_mandatory = true;
  ASSERT_TRUE(connect_and_wait(req));
  const auto& a = events_a_.results.back().security;
  EXPECT_TRUE(a.encrypted);
  EXPECT_EQ(a.self_gopt & 0x02, 0x02);  // TCP_ENO_SELF_GOPT a bit
  EXPECT_EQ(a.peer_gopt & 0x02, 0x02);  // TCP_ENO_PEER_GOPT: B set a = 1
  EXPECT_EQ(events_b_.incoming.back().first.security.peer_gopt & 0x02, 0x02);
}

TEST_F(ConnTableSecurityTest, MandatoryAppAwareFallsBackWhenThePeerIsNotAware) {  // ENO-5
  listen_on_b();
  pc::Connect req = connect_to(kPort);
  req.options.app_aware_mandatory = true;
  ASSERT_TRUE(connect_and_wait(req));
  EXPECT_FALSE(events_a_.results.back().security.encrypted);
  EXPECT_FALSE(events_b_.incoming.back().first.security.encrypted);
  EXPECT_EQ(a_.stats().plain, 1u);
}

TEST_F(ConnTableSecurityTest, SecondConnectionToThePeerResumes) {  // TC-16, TC-24
  listen_on_b();
  auto first = connect_and_wait(connect_to(kPort));
  ASSERT_TRUE(first);
  EXPECT_FALSE(events_a_.results.back().security.tep & 0x80);
  auto second = connect_and_wait(connect_to(kPort));
  ASSERT_TRUE(second);
  const auto& a = events_a_.results.back().security;
  const auto& b = events_b_.incoming.back().first.security;
  EXPECT_TRUE(a.encrypted);
  EXPECT_EQ(a.tep, 0x80 | 0x23);  // NEGTEP: B answered with the resumption suboption (v = 1)
  EXPECT_EQ(a.session_id[0], 0x80 | 0x23);  // ENO-26: the session ID starts with that byte
  EXPECT_EQ(a.session_id, b.session_id);
  EXPECT_NE(a.session_id, events_a_.results.front().security.session_id);
  EXPECT_EQ(a_.stats().resumed, 1u);
  EXPECT_EQ(b_.stats().resumed, 1u);
  EXPECT_TRUE(echo(second->carrier.get(), events_b_.incoming.back().second.get(), "resumed"));
}

TEST_F(ConnTableSecurityTest, NoResumptionOptionForcesAFreshKeyExchange) {  // TC-27
  listen_on_b();
  ASSERT_TRUE(connect_and_wait(connect_to(kPort)));
  pc::Connect req = connect_to(kPort);
  req.options.no_resumption = true;
  ASSERT_TRUE(connect_and_wait(req));
  EXPECT_TRUE(events_a_.results.back().security.encrypted);
  EXPECT_EQ(a_.stats().resumed, 0u);
}

TEST_F(ConnTableSecurityTest, KeysAreErasedWhenBothSidesHaveClosed) {  // ENO-25 (forward secrecy)
  listen_on_b();
  auto grant = connect_and_wait(connect_to(kPort));
  ASSERT_TRUE(grant);
  int app_b = events_b_.incoming.back().second.get();
  EXPECT_EQ(a_.stats().keys_held, 1u);
  EXPECT_EQ(b_.stats().keys_held, 1u);
  ::shutdown(grant->carrier.get(), SHUT_WR);
  ::shutdown(app_b, SHUT_WR);
  // Bound: the turn of the event loop that sees the second FINp frame; TIME-WAIT does not
  // keep keys (the connection itself stays a while).
  ASSERT_TRUE(run_until([&] { return a_.stats().keys_held == 0 && b_.stats().keys_held == 0; }));
  EXPECT_GE(a_.stats().connections + b_.stats().connections, 1u);
  EXPECT_GE(a_.stats().cached_secrets, 1u);  // only the resumption secret lives on
}

class ConnTableKeyUpdateTest : public ConnTableSecurityTest {
 protected:
  static ConnTableConfig rekeying(const proto::ip::IpAddress& a) {
    auto c = config_for(a);
    c.security.rekey_after_bytes = 256 * 1024;
    return c;
  }
  ConnTableKeyUpdateTest() : ConnTableSecurityTest(rekeying(kAddrA), config_for(kAddrB)) {}
};

TEST_F(ConnTableKeyUpdateTest, KeyUpdatesByVolumeKeepTheStreamExact) {  // TC-34, TC-35, TC-39
  send_and_check(8 << 20);
  EXPECT_GE(a_.stats().key_updates, 31u);  // 8 MiB / 256 KiB − 1
  EXPECT_EQ(b_.stats().key_updates, 0u);   // answering a key update is not initiating one
}

class ConnTableLivenessTest : public ConnTableSecurityTest {
 protected:
  static ConnTableConfig rekey_every_100ms(const proto::ip::IpAddress& a) {
    auto c = config_for(a);
    c.security.rekey_interval = std::chrono::milliseconds(100);
    return c;
  }
  ConnTableLivenessTest() : ConnTableSecurityTest(rekey_every_100ms(kAddrA), config_for(kAddrB)) {}
};

// TC-39: a key update by time is an authenticated liveness check on an idle connection: the
// empty frame that carries it must be accepted by the peer (no data, no failure).
TEST_F(ConnTableLivenessTest, IdleConnectionRekeysByTime) {  // TC-39
  listen_on_b();
  auto grant = connect_and_wait(connect_to(kPort));
  ASSERT_TRUE(grant);
  ASSERT_TRUE(run_until([&] { return a_.stats().key_updates >= 3; }));
  EXPECT_EQ(b_.stats().crypto_failures, 0u);
  EXPECT_TRUE(echo(grant->carrier.get(), events_b_.incoming.back().second.get(), "still alive"));
}

class ConnTableNoResumptionTest : public ConnTableSecurityTest {
 protected:
  static ConnTableConfig without_cache(const proto::ip::IpAddress& a) {
    auto c = config_for(a);
    c.resumption_cache.reset();
    c.security.session.no_caching = true;
    return c;
  }
  ConnTableNoResumptionTest() : ConnTableSecurityTest(without_cache(kAddrA), without_cache(kAddrB)) {}
};

TEST_F(ConnTableNoResumptionTest, ResumptionOffKeepsNoStateAboutPeers) {  // TC-27 (2)
  listen_on_b();
  ASSERT_TRUE(connect_and_wait(connect_to(kPort)));
  ASSERT_TRUE(connect_and_wait(connect_to(kPort)));
  EXPECT_EQ(a_.stats().encrypted, 2u);
  EXPECT_EQ(a_.stats().resumed, 0u);
  EXPECT_EQ(a_.stats().cached_secrets, 0u);
  EXPECT_EQ(b_.stats().cached_secrets, 0u);
}

TEST(SecurityConfigTest, ListsOnTheWireAreInIncreasingPreference) {
  pc::EnoOptions wish;
  wish.teps = {0x21, 0x23 | 0x80};  // v bit from a sender is ignored
  wish.aeads_prefer = {0x0001, 0x0010};
  auto passive = apply_eno_options({}, wish, true);
  ASSERT_TRUE(passive);
  EXPECT_EQ(passive->policy.teps, (std::vector<uint8_t>{0x23, 0x21}));
  EXPECT_EQ(passive->session.aeads, (std::vector<proto::tcpcrypt::AeadId>{
                                        proto::tcpcrypt::AeadId::ChaCha20Poly1305,
                                        proto::tcpcrypt::AeadId::Aes128Gcm}));
  wish.passive_role = true;
  EXPECT_FALSE(passive->role_b);
  EXPECT_TRUE(apply_eno_options({}, wish, false)->role_b);
  wish.mode = pc::Mode::Default;
  proto::tcpinc::Config required;
  required.mode = proto::tcpinc::Mode::Required;
  EXPECT_EQ(apply_eno_options(required, wish, false)->mode, proto::tcpinc::Mode::Required);
}

TEST(SecurityConfigTest, TundConfigBecomesTheConnectionDefaults) {
  tund::Config c;
  c.encryption = EncryptionMode::Required;
  c.teps = {TepName::P256};
  c.resumption = false;
  c.key_update_bytes = 1 << 20;
  auto d = security_defaults(c);
  EXPECT_EQ(d.mode, proto::tcpinc::Mode::Required);
  EXPECT_EQ(d.policy.teps, std::vector<uint8_t>{0x21});
  EXPECT_TRUE(d.policy.ignore_resumption);
  EXPECT_TRUE(d.session.no_caching);
  EXPECT_EQ(d.rekey_after_bytes, uint64_t{1} << 20);
  EXPECT_FALSE(resumption_cache_config(c));
}

}  // namespace
}  // namespace tund::conn_table
