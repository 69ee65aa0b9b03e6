// Test fixture: two ConnTables joined back to back (each one's PacketSink feeds the other's
// on_packet), driven through the ControlBackend API and the carriers, on one thread.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <deque>
#include <string>
#include <vector>

#include "tund/conn_table/conn_table.h"

namespace tund::conn_table::fixture {

namespace pc = proto::control;
using control::UniqueFd;
using proto::ip::IpAddress;

inline const IpAddress kAddrA = *IpAddress::parse("198.18.0.1");
inline const IpAddress kAddrB = *IpAddress::parse("198.18.0.2");

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

inline ConnTableConfig config_for(const IpAddress& a) {
  ConnTableConfig c;
  c.addresses = {a};
  c.syn_retries = 1;
  c.resumption_cache = proto::tcpcrypt::CacheConfig{};
  return c;
}

class ConnTableTest : public ::testing::Test {
 protected:
  explicit ConnTableTest(ConnTableConfig a = config_for(kAddrA), ConnTableConfig b = config_for(kAddrB))
      : a_(io_, clock_, wire_a_, std::move(a)), b_(io_, clock_, wire_b_, std::move(b)) {
    a_.attach(&events_a_);
    b_.attach(&events_b_);
  }

  // Runs the io_context, the wires and the timers until `done` or 5 s pass. Every input
  // reads the clock afresh, as tund's daemon does: a time cached before io_.poll() would
  // run backwards for a table that io_.poll() just drove (a SYN stamped after its SYN-ACK
  // was handled: the third ACK's older timestamp then fails PAWS, RFC 7323 §5).
  template <class Pred>
  bool run_until(Pred done) {
    const auto deadline = clock_.now() + proto::Duration(std::chrono::seconds(5));
    while (!done()) {
      if (clock_.now() > deadline) return false;
      io_.poll();
      io_.restart();
      deliver(wire_a_, b_);
      deliver(wire_b_, a_);
      for (ConnTable* t : {&a_, &b_}) {
        const auto now = clock_.now();
        if (auto due = t->next_timeout(); due && *due <= now) t->on_timer(now);
      }
    }
    return true;
  }

  void deliver(Wire& from, ConnTable& to) {
    while (!from.queue.empty()) {
      auto packet = std::move(from.queue.front());
      from.queue.pop_front();
      if (auto p = proto::ip::parse_tcp(packet)) to.on_packet(*p, clock_.now());
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

  // Connects A (B must listen): the grant once A has its ConnectResult and, unless that
  // reports an error, B its Accepted; nullopt if refused at once or nothing within 5 s.
  std::optional<control::ConnectGrant> connect_and_wait(const pc::Connect& req) {
    const size_t results = events_a_.results.size(), incoming = events_b_.incoming.size();
    auto grant = a_.connect(client_, req, {});
    if (!grant) return std::nullopt;
    const bool done = run_until([&] {
      if (events_a_.results.size() == results) return false;
      return events_a_.results.back().error || events_b_.incoming.size() > incoming;
    });
    if (!done) return std::nullopt;
    return std::move(*grant);
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

}  // namespace tund::conn_table::fixture
