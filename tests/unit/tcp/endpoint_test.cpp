// Endpoint demultiplexing: listen table, passive opens, 4-tuple lookup, stateless RSTs.
#include "proto/tcp/endpoint.h"

#include <gtest/gtest.h>

namespace proto::tcp {
namespace {

using namespace std::chrono_literals;

const IpAddress kClient = IpAddress::v4({198, 18, 0, 1});
const IpAddress kServer = IpAddress::v4({198, 18, 0, 2});

EndpointConfig config(uint8_t secret_byte) {
  static Bytes secrets[2] = {Bytes(16, 1), Bytes(16, 2)};
  EndpointConfig c;
  c.connection.isn_secret = secrets[secret_byte % 2];
  return c;
}

// Two endpoints wired back to back with no loss; segments cross instantly.
struct Wire {
  Endpoint client{config(0)};
  Endpoint server{config(1)};
  Instant now{1'000'000};
  std::vector<EndpointTransmit> from_server;  // what the server sent, for inspection
  Bytes seg_buf = Bytes(2000);

  void pump() {
    for (int round = 0; round < 100; ++round) {
      bool any = false;
      while (auto t = client.poll_transmit(now, seg_buf)) {
        server.on_segment(ByteView(seg_buf).first(t->len), t->src, t->dst, now);
        any = true;
      }
      while (auto t = server.poll_transmit(now, seg_buf)) {
        from_server.push_back(*t);
        client.on_segment(ByteView(seg_buf).first(t->len), t->src, t->dst, now);
        any = true;
      }
      if (!any) return;
    }
  }
  void run(Duration d) {
    Instant end = now + d;
    pump();
    while (true) {
      std::optional<Instant> t;
      for (auto c : {client.next_timeout(), server.next_timeout()})
        if (c && (!t || *c < *t)) t = c;
      if (!t || *t > end) break;
      now = *t;
      client.on_timer(now);
      server.on_timer(now);
      pump();
    }
    now = end;
  }
};

TEST(Endpoint, AcceptsConnectsAndDemultiplexes) {
  Wire w;
  w.server.listen(80);
  auto c1 = w.client.connect(FourTuple{kClient, 40001, kServer, 80}, w.now);
  auto c2 = w.client.connect(FourTuple{kClient, 40002, kServer, 80}, w.now);
  ASSERT_TRUE(c1 && c2);
  EXPECT_FALSE(w.client.connect(FourTuple{kClient, 40001, kServer, 80}, w.now));  // in use
  w.run(100ms);
  auto s1 = w.server.poll_accept();
  auto s2 = w.server.poll_accept();
  ASSERT_TRUE(s1 && s2);
  EXPECT_FALSE(w.server.poll_accept());
  EXPECT_EQ(w.server.get(*s1)->state(), State::Established);
  EXPECT_EQ(w.server.get(*s1)->tuple().remote_port, 40001);
  EXPECT_EQ(w.server.get(*s2)->tuple().remote_port, 40002);
  Bytes hello{'h', 'i'};
  w.client.get(*c2)->on_app_data(hello, w.now);
  w.run(100ms);
  Bytes got(10);
  EXPECT_EQ(w.server.get(*s1)->poll_read(got, w.now), 0u);
  EXPECT_EQ(w.server.get(*s2)->poll_read(got, w.now), 2u);
}

// RFC 9293 §3.10.7.1: a SYN to a port nobody listens on is refused with RST+ACK.
TEST(Endpoint, ClosedPortRefuses) {
  Wire w;
  auto c = w.client.connect(FourTuple{kClient, 40001, kServer, 81}, w.now);
  ASSERT_TRUE(c);
  w.run(100ms);
  ASSERT_EQ(w.from_server.size(), 1u);
  EXPECT_FALSE(w.from_server[0].from);
  EXPECT_EQ(w.from_server[0].src, kServer);
  EXPECT_EQ(w.client.get(*c)->state(), State::Closed);
  auto ev = w.client.get(*c)->poll_event();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->reason, CloseReason::Refused);
  EXPECT_EQ(w.server.stats().resets_sent, 1u);
}

// RFC 9293 §3.10.7.2: an ACK to a listening port without a connection gets a RST; a
// RST gets nothing.
TEST(Endpoint, ListenerAnswersStrayAckWithReset) {
  Endpoint server(config(1));
  server.listen(80);
  SegmentRepr ack;
  ack.src_port = 5555;
  ack.dst_port = 80;
  ack.seq = SeqNum{1};
  ack.ack = SeqNum{12345};
  Bytes buf(100);
  size_t n = *ack.emit(kClient.bytes(), kServer.bytes(), buf);
  EXPECT_FALSE(server.on_segment(ByteView(buf).first(n), kClient, kServer, Instant{}));
  auto t = server.poll_transmit(Instant{}, buf);
  ASSERT_TRUE(t);
  auto rst = parse_segment(ByteView(buf).first(t->len), kServer.bytes(), kClient.bytes());
  ASSERT_TRUE(rst);
  EXPECT_EQ(rst->flags, kRst);
  EXPECT_EQ(rst->seq, SeqNum{12345});
  ack.flags = kRst;
  n = *ack.emit(kClient.bytes(), kServer.bytes(), buf);
  server.on_segment(ByteView(buf).first(n), kClient, kServer, Instant{});
  EXPECT_FALSE(server.poll_transmit(Instant{}, buf));
  EXPECT_EQ(server.size(), 0u);
}

TEST(Endpoint, BoundsConnectionsAndResets) {
  EndpointConfig cfg = config(1);
  cfg.max_connections = 2;
  cfg.max_pending_resets = 3;
  Endpoint server(cfg);
  server.listen(80);
  Bytes buf(100);
  for (uint16_t port = 1; port <= 5; ++port) {
    SegmentRepr syn;
    syn.src_port = port;
    syn.dst_port = 80;
    syn.flags = kSyn;
    size_t n = *syn.emit(kClient.bytes(), kServer.bytes(), buf);
    server.on_segment(ByteView(buf).first(n), kClient, kServer, Instant{});
  }
  EXPECT_EQ(server.size(), 2u);
  EXPECT_EQ(server.stats().syns_dropped, 3u);
  for (uint16_t port = 1; port <= 5; ++port) {
    SegmentRepr data;
    data.src_port = port;
    data.dst_port = 99;
    size_t n = *data.emit(kClient.bytes(), kServer.bytes(), buf);
    server.on_segment(ByteView(buf).first(n), kClient, kServer, Instant{});
  }
  EXPECT_EQ(server.stats().resets_dropped, 2u);
  // Corrupted input is counted, not answered.
  buf[0] ^= 1;
  server.on_segment(ByteView(buf).first(20), kClient, kServer, Instant{});
  EXPECT_EQ(server.stats().bad_segments, 1u);
}

TEST(Endpoint, RemoveFreesTheTuple) {
  Wire w;
  w.server.listen(80);
  FourTuple t{kClient, 40001, kServer, 80};
  auto c = w.client.connect(t, w.now);
  w.run(100ms);
  w.client.get(*c)->abort(w.now);
  w.run(100ms);
  auto s = w.server.poll_accept();
  ASSERT_TRUE(s);
  EXPECT_EQ(w.server.get(*s)->state(), State::Closed);
  w.client.remove(*c);
  w.server.remove(*s);
  EXPECT_EQ(w.client.get(*c), nullptr);
  EXPECT_TRUE(w.client.connect(t, w.now));
  w.run(100ms);
  EXPECT_TRUE(w.server.poll_accept());
}

class EnoLikeHook : public OptionHook {
 public:
  size_t extra_options(const OutgoingSegment& seg, MutByteView room) override {
    if (!seg.syn || room.size() < 2) return 0;
    room[0] = kOptEno;
    room[1] = 2;
    return 2;
  }
  void on_segment_options(const SegmentRepr& seg) override {
    if (seg.has(kSyn)) saw_syn_with_eno = !seg.opts.unknown.empty();
  }
  bool saw_syn_with_eno = false;
};

// The factory's hook is in place before a passive connection processes its SYN, so both
// SYN and SYN-ACK options pass through it.
TEST(Endpoint, HookFactoryReachesSynAndSynAck) {
  Wire w;
  EnoLikeHook client_hook, server_hook;
  std::vector<ConnectionId> hooked;
  w.client.set_hook_factory([&](ConnectionId, const FourTuple&) { return &client_hook; });
  w.server.set_hook_factory([&](ConnectionId id, const FourTuple& t) {
    EXPECT_EQ(t.local_port, 80);
    hooked.push_back(id);
    return &server_hook;
  });
  w.server.listen(80);
  ASSERT_TRUE(w.client.connect(FourTuple{kClient, 40001, kServer, 80}, w.now));
  w.run(100ms);
  EXPECT_TRUE(server_hook.saw_syn_with_eno);
  EXPECT_TRUE(client_hook.saw_syn_with_eno);
  ASSERT_EQ(hooked.size(), 1u);
  EXPECT_EQ(w.server.poll_accept(), hooked[0]);
}

}  // namespace
}  // namespace proto::tcp
