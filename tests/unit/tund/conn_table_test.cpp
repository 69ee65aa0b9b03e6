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

#include "tund/conn_table/port_allocator.h"

namespace tund::conn_table {
namespace {

namespace pc = proto::control;
using control::UniqueFd;
using proto::ip::IpAddress;

const IpAddress kAddrA = *IpAddress::parse("198.18.0.1");
const IpAddress kAddrB = *IpAddress::parse("198.18.0.2");

struct Wire : PacketSink {
  std::deque<std::vector<uint8_t>> queue;
  bool send_packet(proto::ByteView p) override {
    queue.emplace_back(p.begin(), p.end());
    return true;
  }
};

struct Events : control::ControlEvents {
  std::vector<pc::ConnectResult> results;
  std::vector<std::pair<pc::Accepted, UniqueFd>> incoming;
  void connect_result(control::ClientId, const pc::ConnectResult& r) override { results.push_back(r); }
  void accepted(control::ClientId, const pc::Accepted& a, UniqueFd fd) override {
    incoming.emplace_back(a, std::move(fd));
  }
};

ConnTableConfig config_for(const IpAddress& a) {
  ConnTableConfig c;
  c.addresses = {a};
  c.syn_retries = 1;
  return c;
}

class ConnTableTest : public ::testing::Test {
 protected:
  ConnTableTest() : a_(io_, clock_, wire_a_, config_for(kAddrA)), b_(io_, clock_, wire_b_, config_for(kAddrB)) {
    a_.attach(&events_a_);
    b_.attach(&events_b_);
  }

  // Runs the io_context, the wires and the timers until `done` or 5 s pass.
  template <class Pred>
  bool run_until(Pred done) {
    const auto deadline = clock_.now() + proto::Duration(std::chrono::seconds(5));
    while (!done()) {
      const auto now = clock_.now();
      if (now > deadline) return false;
      io_.poll();
      io_.restart();
      deliver(wire_a_, b_, now);
      deliver(wire_b_, a_, now);
      for (ConnTable* t : {&a_, &b_})
        if (auto due = t->next_timeout(); due && *due <= now) t->on_timer(now);
    }
    return true;
  }

  static void deliver(Wire& from, ConnTable& to, proto::Instant now) {
    while (!from.queue.empty()) {
      auto packet = std::move(from.queue.front());
      from.queue.pop_front();
      if (auto p = proto::ip::parse_tcp(packet)) to.on_packet(*p, now);
    }
  }

  // Reads what is there now (non-blocking); "" on EOF; sets err_ on error.
  std::string read_now(int fd) {
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    err_ = n < 0 ? errno : 0;
    return n > 0 ? std::string(buf, size_t(n)) : std::string();
  }
  bool eof_or_error(int fd) {
    char c;
    ssize_t n = ::recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    err_ = n < 0 ? errno : 0;
    return n == 0 || (n < 0 && errno != EAGAIN);
  }

  pc::Connect connect_to(uint16_t port) {
    pc::Connect req;
    req.destination = {kAddrB, port};
    return req;
  }

  boost::asio::io_context io_;
  LoopClock clock_;
  Wire wire_a_, wire_b_;
  Events events_a_, events_b_;
  ConnTable a_, b_;
  control::ClientContext client_{.id = 1, .pid = 1, .uid = 0, .gid = 0, .may_bind_privileged = true};
  int err_ = 0;
};

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
