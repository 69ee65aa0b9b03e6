// SecureConnection driven by hand over a perfect wire (no link model): the API contract
// (events, getters, back-pressure, errors, moves). Network impairments and middleboxes are
// in tests/sim/tcpinc_*_test.cpp.
#include "proto/tcpinc/secure_connection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <vector>

namespace proto::tcpinc {
namespace {

constexpr std::array<uint8_t, 16> kSecret{7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

tcp::FourTuple tuple(bool a) {
  auto ip_a = tcp::IpAddress::v4({198, 18, 0, 1});
  auto ip_b = tcp::IpAddress::v4({198, 18, 0, 2});
  return a ? tcp::FourTuple{ip_a, 40000, ip_b, 443} : tcp::FourTuple{ip_b, 443, ip_a, 40000};
}

Config config() {
  Config c;
  c.tcp.isn_secret = kSecret;
  return c;
}

// Two connections, segments handed over at once (no delay, no loss).
struct Wire {
  crypto::DeterministicRandom rng_a{1}, rng_b{2};
  Instant now{1'000'000};
  SecureConnection a, b;
  std::vector<Event> events_a, events_b;
  std::vector<Bytes> wire_ab;  // every A->B segment

  explicit Wire(const Config& ca = config(), const Config& cb = config())
      : a(SecureConnection::connect(ca, tuple(true), rng_a, nullptr, now)),
        b(SecureConnection::listen(cb, tuple(false), rng_b, nullptr, now)) {}

  // Moves segments until both are quiet; then, if `advance`, fires the earliest timer.
  void run(int rounds = 50) {
    Bytes buf(tcp::kMaxHeaderLen + 65535);
    for (int i = 0; i < rounds; ++i) {
      const bool ab = transfer(a, b, buf, true);
      const bool ba = transfer(b, a, buf, false);  // both directions every round
      const bool moved = ab || ba;
      while (auto e = a.poll_event()) events_a.push_back(*e);
      while (auto e = b.poll_event()) events_b.push_back(*e);
      if (!moved) {
        auto t = std::min(a.next_timeout().value_or(Instant{INT64_MAX}),
                          b.next_timeout().value_or(Instant{INT64_MAX}));
        if (t.us == INT64_MAX || t > now + std::chrono::seconds(1)) return;
        now = std::max(now, t);
        a.on_timer(now);
        b.on_timer(now);
      }
    }
  }

  bool transfer(SecureConnection& from, SecureConnection& to, Bytes& buf, bool ab) {
    bool moved = false;
    while (auto t = from.poll_transmit(now, buf)) {
      ByteView seg(buf.data(), t->len);
      if (ab) wire_ab.emplace_back(seg.begin(), seg.end());
      auto r = tcp::parse_segment(seg, from.tuple().local_addr.bytes(), to.tuple().local_addr.bytes());
      EXPECT_TRUE(r.has_value());
      if (r) to.on_segment(*r, now);
      moved = true;
    }
    return moved;
  }

  static Bytes read_all(SecureConnection& c, Instant now) {
    Bytes out;
    std::array<uint8_t, 1000> chunk;
    while (size_t n = c.poll_read(chunk, now)) out.insert(out.end(), chunk.begin(), chunk.begin() + n);
    return out;
  }
};

bool has(const std::vector<Event>& evs, Event::Kind k) {
  return std::any_of(evs.begin(), evs.end(), [k](const Event& e) { return e.kind == k; });
}

// ENO-27: no session ID before keys exist; both sides agree afterwards; Connected only
// once the keys exist (not at the TCP handshake).
TEST(SecureConnection, SessionIdOnlyOnceEncrypted) {
  Wire w;
  EXPECT_FALSE(w.a.session_id().has_value());
  EXPECT_EQ(w.a.protection(), Protection::Pending);
  w.run();
  ASSERT_TRUE(w.a.encrypted());
  ASSERT_TRUE(w.b.encrypted());
  EXPECT_EQ(w.a.session_id(), w.b.session_id());
  EXPECT_TRUE(has(w.events_a, Event::Kind::Connected));
  EXPECT_TRUE(has(w.events_b, Event::Kind::Connected));
  EXPECT_EQ(w.a.tep(), tcpcrypt::kTepX25519);
  EXPECT_EQ(w.a.aead(), crypto::AeadId::Aes128Gcm);
  EXPECT_FALSE(w.a.disable_reason().has_value());
  EXPECT_TRUE(w.a.holds_keys());
}

// TC-2: bytes written before the handshake are held, then sent only as frames.
TEST(SecureConnection, EarlyDataIsHeldAndEncrypted) {
  Wire w;
  const std::string text = "early application bytes, never in the clear";
  Bytes data(text.begin(), text.end());
  EXPECT_EQ(w.a.on_app_data(data, w.now), data.size());
  w.run();
  EXPECT_EQ(Wire::read_all(w.b, w.now), data);
  for (const Bytes& seg : w.wire_ab)
    EXPECT_EQ(std::search(seg.begin(), seg.end(), data.begin(), data.begin() + 16), seg.end());
  EXPECT_EQ(w.a.stats().app_bytes_sent, data.size());
  EXPECT_EQ(w.b.stats().app_bytes_received, data.size());
}

// Back-pressure: at most pending_limit bytes are held; Writable follows once they moved.
TEST(SecureConnection, PendingLimitBackPressure) {
  Config c = config();
  c.pending_limit = 1000;
  Wire w(c);
  Bytes data(5000, 0x5a);
  EXPECT_EQ(w.a.on_app_data(data, w.now), 1000u);
  EXPECT_EQ(w.a.on_app_data(data, w.now), 0u);
  w.run();
  EXPECT_TRUE(has(w.events_a, Event::Kind::Writable));
  EXPECT_EQ(Wire::read_all(w.b, w.now).size(), 1000u);
}

// TC-36/TC-39: rekey needs keys; a second request before the answer is refused.
TEST(SecureConnection, RekeyRules) {
  Wire w;
  EXPECT_EQ(w.a.request_rekey(w.now).error().code, Errc::InvalidState);
  w.run();
  ASSERT_TRUE(w.a.request_rekey(w.now));
  EXPECT_EQ(w.a.request_rekey(w.now).error().code, Errc::InvalidState);  // not answered yet
  w.run();
  EXPECT_EQ(w.a.local_generation(), 1u);
  EXPECT_EQ(w.a.remote_generation(), 1u);
  EXPECT_EQ(w.a.stats().rekeys_initiated, 1u);
  EXPECT_TRUE(w.a.request_rekey(w.now));
}

// TC-31, TC-32, ENO-25: close sends FINp then FIN; EOF on both sides; keys erased.
TEST(SecureConnection, CloseEndsWithFinpAndErasesKeys) {
  Wire w;
  w.run();
  w.a.close(w.now);
  w.run();
  EXPECT_TRUE(w.b.at_eof());
  EXPECT_TRUE(has(w.events_b, Event::Kind::PeerFin));
  w.b.close(w.now);
  w.run();
  EXPECT_TRUE(w.a.at_eof());
  EXPECT_FALSE(w.a.holds_keys());
  EXPECT_FALSE(w.b.holds_keys());
}

// The application's abort: RST, Closed(Aborted) without a tcpinc error, keys erased.
TEST(SecureConnection, AbortErasesKeys) {
  Wire w;
  w.run();
  w.a.abort(w.now);
  w.run();
  EXPECT_FALSE(w.a.holds_keys());
  ASSERT_FALSE(w.events_a.empty());
  EXPECT_EQ(w.events_a.back().kind, Event::Kind::Closed);
  EXPECT_EQ(w.events_a.back().reason, tcp::CloseReason::Aborted);
  EXPECT_FALSE(w.events_a.back().error.has_value());
  EXPECT_EQ(w.events_b.back().reason, tcp::CloseReason::Reset);
}

// A SecureConnection moved in the middle of the handshake keeps its hook.
TEST(SecureConnection, MoveKeepsWorking) {
  Wire w;
  Bytes buf(tcp::kMaxHeaderLen + 1500);
  ASSERT_TRUE(w.a.poll_transmit(w.now, buf));  // SYN out (dropped here)
  SecureConnection moved = std::move(w.a);
  w.a = std::move(moved);
  w.now = w.now + std::chrono::seconds(2);  // SYN retransmission
  w.a.on_timer(w.now);
  w.run();
  EXPECT_TRUE(w.a.encrypted());
  EXPECT_EQ(w.a.session_id(), w.b.session_id());
}

// TC-47 and the socket errno contract (spec/api.md §9.3), through control::to_errno.
TEST(SecureConnection, ConnErrorMapping) {
  auto errno_of = [](std::optional<Errc> e, tcp::CloseReason r = tcp::CloseReason::Aborted) {
    auto ce = conn_error(Event{Event::Kind::Closed, r, e});
    return ce ? control::to_errno(*ce) : 0;
  };
  EXPECT_EQ(errno_of(Errc::EncryptionRequired), ECONNREFUSED);
  EXPECT_EQ(errno_of(Errc::HandshakeTimeout), ETIMEDOUT);
  EXPECT_EQ(errno_of(Errc::AuthFailed), ECONNRESET);
  EXPECT_EQ(errno_of(Errc::FinWithoutFinp), ECONNRESET);
  EXPECT_EQ(errno_of(Errc::InvalidPublicKey), ECONNRESET);
  EXPECT_EQ(errno_of(std::nullopt, tcp::CloseReason::Normal), 0);
  EXPECT_EQ(errno_of(std::nullopt, tcp::CloseReason::Reset), ECONNRESET);
  EXPECT_EQ(conn_error(Event{Event::Kind::Closed, tcp::CloseReason::Aborted, Errc::AuthFailed}),
            control::ConnError::IntegrityFailure);
  EXPECT_STREQ(mode_name(Mode::Required), "required");
}

}  // namespace
}  // namespace proto::tcpinc
