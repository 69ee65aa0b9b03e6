// SecureEndpoint: demux, passive opens through the listen table, stateless RSTs, and a
// shared SessionCache that lets a second connection to the same peer resume.
#include "proto/tcpinc/secure_endpoint.h"

#include <gtest/gtest.h>

#include <array>

namespace proto::tcpinc {
namespace {

constexpr std::array<uint8_t, 16> kSecretC{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
constexpr std::array<uint8_t, 16> kSecretS{2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5};

const tcp::IpAddress kClient = tcp::IpAddress::v4({198, 18, 0, 1});
const tcp::IpAddress kServer = tcp::IpAddress::v4({198, 18, 0, 2});

SecureEndpointConfig config(ByteView secret) {
  SecureEndpointConfig c;
  c.connection.tcp.isn_secret = secret;
  return c;
}

// Delivers everything both endpoints send until quiet (perfect network, no timers).
void exchange(SecureEndpoint& a, SecureEndpoint& b, Instant now) {
  Bytes buf(tcp::kMaxHeaderLen + 65535);
  for (bool moved = true; moved;) {
    moved = false;
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      while (auto t = from->poll_transmit(now, buf)) {
        to->on_segment(ByteView(buf).first(t->len), t->src, t->dst, now);
        moved = true;
      }
    }
  }
}

struct Hosts {
  crypto::DeterministicRandom rng_c{11}, rng_s{12};
  tcpcrypt::SessionCache cache_c, cache_s;
  SecureEndpoint client{config(kSecretC), rng_c, &cache_c};
  SecureEndpoint server{config(kSecretS), rng_s, &cache_s};
  Instant now{5'000'000};

  void run() { exchange(client, server, now); }
};

// Two connections to the same peer through the endpoints: the first is fresh, the second
// resumes from the shared caches (TC-16, TC-20), and each accepted connection is one the
// listen table created.
TEST(SecureEndpoint, AcceptsAndResumesThroughSharedCache) {
  Hosts h;
  h.server.listen(443);
  for (uint16_t port : {40001, 40002}) {
    auto id = h.client.connect(tcp::FourTuple{kClient, port, kServer, 443}, h.now);
    ASSERT_TRUE(id);
    h.run();
    auto accepted = h.server.poll_accept();
    ASSERT_TRUE(accepted);
    SecureConnection* c = h.client.get(*id);
    SecureConnection* s = h.server.get(*accepted);
    ASSERT_TRUE(c && s);
    EXPECT_TRUE(c->encrypted());
    EXPECT_EQ(c->session_id(), s->session_id());
    EXPECT_EQ(c->resumed(), port == 40002);
    EXPECT_EQ(s->tuple().remote_port, port);
  }
  EXPECT_EQ(h.server.size(), 2u);
  EXPECT_FALSE(h.client.connect(tcp::FourTuple{kClient, 40001, kServer, 443}, h.now));
}

// RFC 9293 §3.10.7.1: a SYN to a port nobody listens on gets a RST, the client sees
// Refused; unparsable input is counted.
TEST(SecureEndpoint, NoListenerAnswersWithReset) {
  Hosts h;
  auto id = h.client.connect(tcp::FourTuple{kClient, 40003, kServer, 80}, h.now);
  ASSERT_TRUE(id);
  h.run();
  EXPECT_EQ(h.server.stats().resets_sent, 1u);
  std::optional<Event> closed;
  while (auto e = h.client.get(*id)->poll_event()) closed = e;
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->kind, Event::Kind::Closed);
  EXPECT_EQ(closed->reason, tcp::CloseReason::Refused);
  const uint8_t junk[3] = {1, 2, 3};
  EXPECT_FALSE(h.server.on_segment(junk, kClient, kServer, h.now));
  EXPECT_EQ(h.server.stats().bad_segments, 1u);
  h.client.remove(*id);
  EXPECT_EQ(h.client.size(), 0u);
}

// ENO-28: the endpoint asks its randomness probe at every open, so a listener that started
// before the RNG was seeded sends no ENO option then, and negotiates once the probe says yes.
TEST(SecureEndpoint, RandomnessProbeIsAskedAtEveryOpen) {  // ENO-28, TC-49
  bool ready = false;
  crypto::DeterministicRandom rng_c{21}, rng_s{22};
  SecureEndpointConfig server_cfg = config(kSecretS);
  server_cfg.randomness_ready = [&ready] { return ready; };
  SecureEndpoint client{config(kSecretC), rng_c, nullptr};
  SecureEndpoint server{server_cfg, rng_s, nullptr};
  server.listen(443);
  const Instant now{5'000'000};
  auto open = [&](uint16_t port) -> SecureConnection* {
    auto id = client.connect(tcp::FourTuple{kClient, port, kServer, 443}, now);
    if (!id) return nullptr;
    exchange(client, server, now);
    return client.get(*id);
  };
  SecureConnection* before = open(40011);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->protection(), Protection::Plain);
  EXPECT_EQ(before->disable_reason(), eno::DisableReason::MissingOption);
  ready = true;
  SecureConnection* after = open(40012);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->encrypted());
}

}  // namespace
}  // namespace proto::tcpinc
