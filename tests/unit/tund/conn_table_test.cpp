// Two ConnTables joined back to back (each one's PacketSink feeds the other's on_packet):
// connect/accept through the ControlBackend API, the gate, data and half-close through the
// carriers, refusal and reset as the app sees them (conn_table.h, shim.md §3.3, §5).
#include "tund/conn_table/conn_table.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <deque>
#include <string>

#include "tests/unit/tund/conn_table_fixture.h"
#include "tund/conn_table/port_allocator.h"

namespace tund::conn_table {
namespace {

namespace pc = proto::control;
using namespace tund::conn_table::fixture;
using control::UniqueFd;

TEST_F(ConnTableTest, ConnectAcceptDataAndHalfCloseBothWays) {
  pc::Listen listen;
  listen.local.port = 8080;
  listen.backlog = 4;
  auto l = b_.listen(client_, listen, {});
  ASSERT_TRUE(l);
  auto grant = a_.connect(client_, connect_to(8080), {});
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->local.addr, kAddrA);
  EXPECT_GE(grant->local.port, 40000);
  int app_a = grant->carrier.get();
  // The gate keeps the app end unwritable until the handshake is done (shim.md §3.3).
  pollfd p{app_a, POLLOUT, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0);

  ASSERT_TRUE(run_until([&] { return !events_a_.results.empty() && !events_b_.incoming.empty(); }));
  EXPECT_FALSE(events_a_.results[0].error);
  EXPECT_EQ(events_a_.results[0].token, grant->token);
  EXPECT_EQ(events_b_.incoming[0].first.listener, l->listener);
  EXPECT_EQ(events_b_.incoming[0].first.peer, grant->local);
  int app_b = events_b_.incoming[0].second.get();
  EXPECT_EQ(::poll(&p, 1, 0), 1);

  ASSERT_EQ(::send(app_a, "hello", 5, 0), 5);
  ::shutdown(app_a, SHUT_WR);
  std::string got;
  ASSERT_TRUE(run_until([&] { got += read_now(app_b); return got == "hello" && eof_or_error(app_b); }));
  EXPECT_EQ(err_, 0);  // a clean EOF after the peer's FIN
  // The side that received the FIN still delivers.
  ASSERT_EQ(::send(app_b, "bye", 3, 0), 3);
  ::shutdown(app_b, SHUT_WR);
  got.clear();
  ASSERT_TRUE(run_until([&] { got += read_now(app_a); return got == "bye" && eof_or_error(app_a); }));
  EXPECT_EQ(err_, 0);
  EXPECT_EQ(a_.stats().connects, 1u);
  EXPECT_EQ(b_.stats().accepted, 1u);
}

TEST_F(ConnTableTest, SlowAppGetsEveryByteAfterTheConnectionClosed) {
  pc::Listen listen;
  listen.local.port = 8080;
  // Plain TCP (mode off on the listener: no ENO in its SYN-ACK): the byte counts below size
  // TCP's own buffers, without tcpcrypt's decrypted-bytes buffer in between.
  listen.options.mode = pc::Mode::Off;
  ASSERT_TRUE(b_.listen(client_, listen, {}));
  auto grant = a_.connect(client_, connect_to(8080), {});
  ASSERT_TRUE(grant);
  ASSERT_TRUE(run_until([&] { return !events_a_.results.empty() && !events_b_.incoming.empty(); }));
  int app_a = grant->carrier.get();
  int app_b = events_b_.incoming[0].second.get();
  // B's app sends more than A's carrier holds, then both sides close their write halves
  // while A's app reads nothing: A's TCP reaches CLOSED (LAST-ACK acknowledged) with bytes
  // still waiting for its app (back-pressure kept them in TCP's buffer).
  const std::string big(200 * 1024, 'x');
  size_t sent = 0;
  ASSERT_TRUE(run_until([&] {
    ssize_t n = ::send(app_b, big.data() + sent, big.size() - sent, MSG_DONTWAIT);
    if (n > 0) sent += size_t(n);
    return sent == big.size();
  }));
  ::shutdown(app_b, SHUT_WR);
  // B's FIN reaches A's TCP first (A: CLOSE-WAIT), so A's own FIN makes it the passive
  // closer (LAST-ACK → CLOSED) rather than TIME-WAIT.
  const auto settled = clock_.now() + proto::Duration(std::chrono::milliseconds(200));
  ASSERT_TRUE(run_until([&] { return clock_.now() > settled; }));
  ::shutdown(app_a, SHUT_WR);
  auto state_of_a = [&] {
    for (const auto& st : a_.status(client_))
      if (st.token == grant->token) return st.state;
    return pc::ConnState::Aborted;
  };
  ASSERT_TRUE(run_until([&] { return state_of_a() == pc::ConnState::Closed; }));
  int queued = 0;
  ASSERT_EQ(::ioctl(app_a, FIONREAD, &queued), 0);
  EXPECT_LT(size_t(queued), big.size()) << queued;  // the rest is still in tund
  std::string got;
  ASSERT_TRUE(run_until([&] {
    std::string part;
    while (!(part = read_now(app_a)).empty()) got += part;
    return got.size() == big.size() && eof_or_error(app_a);
  }));
  EXPECT_EQ(err_, 0);
  EXPECT_EQ(got, big);
  ASSERT_TRUE(run_until([&] { return a_.stats().connections == 0; }));
}

TEST_F(ConnTableTest, RefusedConnectFailsTheCarrierWithReset) {
  auto grant = a_.connect(client_, connect_to(9), {});
  ASSERT_TRUE(grant);
  ASSERT_TRUE(run_until([&] { return !events_a_.results.empty(); }));
  EXPECT_EQ(events_a_.results[0].error, pc::ConnError::Refused);
  // gate.h step 7: the tund end closed with the filler unread.
  EXPECT_TRUE(eof_or_error(grant->carrier.get()));
  EXPECT_EQ(err_, ECONNRESET);
}

TEST_F(ConnTableTest, PeerAbortIsVisibleAsResetInStatus) {
  pc::Listen listen;
  listen.local.port = 8080;
  ASSERT_TRUE(b_.listen(client_, listen, {}));
  auto grant = a_.connect(client_, connect_to(8080), {});
  ASSERT_TRUE(grant);
  ASSERT_TRUE(run_until([&] { return !events_a_.results.empty() && !events_b_.incoming.empty(); }));
  EXPECT_FALSE(b_.abort(client_, events_b_.incoming[0].first.token));
  ASSERT_TRUE(run_until([&] { return eof_or_error(grant->carrier.get()); }));
  bool reported = false;
  for (const auto& s : a_.status(client_))
    if (s.token == grant->token) reported = s.error == pc::ConnError::Reset;
  EXPECT_TRUE(reported);
}

TEST_F(ConnTableTest, ListenRefusesEphemeralAndTakenPorts) {
  pc::Listen listen;
  listen.local.port = 40001;
  EXPECT_EQ(b_.listen(client_, listen, {}).error(), pc::ConnError::AddressInUse);
  listen.local.port = 8080;
  auto l = b_.listen(client_, listen, {});
  ASSERT_TRUE(l);
  EXPECT_EQ(b_.listen(client_, listen, {}).error(), pc::ConnError::AddressInUse);
  EXPECT_FALSE(b_.unlisten(client_, l->listener));
  EXPECT_TRUE(b_.listen(client_, listen, {}));
}

TEST(PortAllocatorTest, RoundRobinUntilExhausted) {
  PortAllocator ports({40000, 40002});
  EXPECT_EQ(ports.allocate(kAddrA), 40000);
  EXPECT_EQ(ports.allocate(kAddrA), 40001);
  EXPECT_EQ(ports.allocate(kAddrB), 40002);  // per address
  EXPECT_EQ(ports.allocate(kAddrA), 40002);
  EXPECT_EQ(ports.allocate(kAddrA), std::nullopt);
  ports.release(kAddrA, 40001);
  EXPECT_EQ(ports.allocate(kAddrA), 40001);
}

}  // namespace
}  // namespace tund::conn_table
