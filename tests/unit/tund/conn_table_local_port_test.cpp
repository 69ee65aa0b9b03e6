// Active opens from an explicit local port (Connect::local): reserved in the ephemeral range,
// or with their own inbound routing rule outside it (shim.md §3.5), EADDRINUSE when taken;
// and the simultaneous open it makes possible between two ConnTables (RFC 8547 §4.3).
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <memory>
#include <set>

#include "tests/unit/tund/conn_table_fixture.h"

namespace tund::conn_table {
namespace {

namespace pc = proto::control;
using namespace tund::conn_table::fixture;

using RuleSet = std::set<uint16_t>;

// A's listener rules land in `rules`; adding a rule twice or removing a missing one fails.
ConnTableConfig with_rules(ConnTableConfig c, const std::shared_ptr<RuleSet>& rules) {
  c.add_listener_rule = [rules](uint16_t port) -> SysStatus {
    if (!rules->insert(port).second) return tl::unexpected(SysError{SysErrc::RuleChange, EEXIST, "rule exists"});
    return {};
  };
  c.remove_listener_rule = [rules](uint16_t port) -> SysStatus {
    if (rules->erase(port) == 0) return tl::unexpected(SysError{SysErrc::RuleChange, ENOENT, "no such rule"});
    return {};
  };
  return c;
}

class ConnTableLocalPortTest : public ConnTableTest {
 protected:
  explicit ConnTableLocalPortTest(std::shared_ptr<RuleSet> rules = std::make_shared<RuleSet>())
      : ConnTableTest(with_rules(config_for(kAddrA), rules), config_for(kAddrB)), rules_(std::move(rules)) {}

  static pc::Connect from_port(uint16_t local, const IpAddress& to, uint16_t port) {
    pc::Connect req;
    req.destination = {to, port};
    req.local = proto::ip::Endpoint{IpAddress::parse("0.0.0.0").value(), local};
    return req;
  }
  // Aborts A's connection and runs until the table has removed it.
  void abort_on_a(uint64_t token) {
    ASSERT_FALSE(a_.abort(client_, token));
    ASSERT_TRUE(run_until([&] { return a_.stats().connections == 0; }));
  }

  std::shared_ptr<RuleSet> rules_;
};

TEST_F(ConnTableLocalPortTest, EphemeralPortIsReservedUntilTheConnectionIsRemoved) {
  auto first = a_.connect(client_, from_port(40005, kAddrB, 9), {});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->local.port, 40005);
  EXPECT_TRUE(rules_->empty());  // the range's rule covers it
  EXPECT_EQ(a_.connect(client_, from_port(40005, kAddrB, 10), {}).error(), pc::ConnError::AddressInUse);
  abort_on_a(first->token);
  EXPECT_TRUE(a_.connect(client_, from_port(40005, kAddrB, 10), {}));
}

TEST_F(ConnTableLocalPortTest, PortOutsideTheRangeGetsItsOwnRule) {
  auto grant = a_.connect(client_, from_port(5555, kAddrB, 9), {});
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->local.port, 5555);
  EXPECT_EQ(*rules_, RuleSet{5555});
  EXPECT_EQ(a_.connect(client_, from_port(5555, kAddrB, 10), {}).error(), pc::ConnError::AddressInUse);
  pc::Listen listen;
  listen.local.port = 5555;
  EXPECT_EQ(a_.listen(client_, listen, {}).error(), pc::ConnError::AddressInUse);
  abort_on_a(grant->token);
  EXPECT_TRUE(rules_->empty());
  EXPECT_TRUE(a_.listen(client_, listen, {}));
}

TEST_F(ConnTableLocalPortTest, ListenerPortIsInUse) {
  pc::Listen listen;
  listen.local.port = 6000;
  ASSERT_TRUE(a_.listen(client_, listen, {}));
  EXPECT_EQ(a_.connect(client_, from_port(6000, kAddrB, 9), {}).error(), pc::ConnError::AddressInUse);
  EXPECT_EQ(*rules_, RuleSet{6000});  // the listener's rule only
}

TEST_F(ConnTableLocalPortTest, RuleFailureRefusesTheConnect) {
  rules_->insert(7000);  // makes A's add_listener_rule fail
  EXPECT_EQ(a_.connect(client_, from_port(7000, kAddrB, 9), {}).error(), pc::ConnError::PolicyDenied);
  EXPECT_EQ(a_.stats().connections, 0u);
}

// ENO-4, TC-13: both tables connect at once, each from the port the other connects to; the
// SYNs cross on the wire (both are queued before either is delivered). The b = 1 side
// (passive_role, TCP_ENO_SELF_GOPT) takes role B; one connection, one session ID.
TEST_F(ConnTableLocalPortTest, SimultaneousOpenWithRoleBitBecomesOneEncryptedConnection) {
  auto req_a = from_port(5001, kAddrB, 5002);
  req_a.options.passive_role = true;
  auto grant_a = a_.connect(client_, req_a, {});
  auto grant_b = b_.connect(client_, from_port(5002, kAddrA, 5001), {});
  ASSERT_TRUE(grant_a);
  ASSERT_TRUE(grant_b);
  ASSERT_TRUE(run_until([&] { return !events_a_.results.empty() && !events_b_.results.empty(); }));
  const auto& ra = events_a_.results[0];
  const auto& rb = events_b_.results[0];
  ASSERT_FALSE(ra.error);
  ASSERT_FALSE(rb.error);
  EXPECT_TRUE(events_b_.incoming.empty());
  EXPECT_TRUE(ra.security.encrypted);
  EXPECT_TRUE(rb.security.encrypted);
  EXPECT_EQ(ra.security.role, pc::Role::B);
  EXPECT_EQ(rb.security.role, pc::Role::A);
  EXPECT_EQ(ra.security.self_gopt & 0x01, 0x01);
  EXPECT_EQ(ra.security.session_id, rb.security.session_id);
  EXPECT_FALSE(ra.security.session_id.empty());
  const int app_a = grant_a->carrier.get(), app_b = grant_b->carrier.get();
  ASSERT_EQ(::send(app_a, "ping", 4, 0), 4);
  ASSERT_EQ(::send(app_b, "pong", 4, 0), 4);
  std::string at_a, at_b;
  EXPECT_TRUE(run_until([&] {
    at_a += read_now(app_a);
    at_b += read_now(app_b);
    return at_a.size() >= 4 && at_b.size() >= 4;
  }));
  EXPECT_EQ(at_a, "pong");
  EXPECT_EQ(at_b, "ping");
}

// Without b = 1 on either side both would be role A: ENO fails and the connection falls back
// to plain TCP (RFC 8547 §4.3 requires one end to set b).
TEST_F(ConnTableLocalPortTest, SimultaneousOpenWithoutRoleBitIsNotEncrypted) {
  auto grant_a = a_.connect(client_, from_port(5001, kAddrB, 5002), {});
  auto grant_b = b_.connect(client_, from_port(5002, kAddrA, 5001), {});
  ASSERT_TRUE(grant_a);
  ASSERT_TRUE(grant_b);
  ASSERT_TRUE(run_until([&] { return !events_a_.results.empty() && !events_b_.results.empty(); }));
  EXPECT_FALSE(events_a_.results[0].security.encrypted);
  EXPECT_FALSE(events_b_.results[0].security.encrypted);
}

}  // namespace
}  // namespace tund::conn_table
