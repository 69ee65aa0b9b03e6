// Drives one Connection with hand-made segments from a scripted peer (10.0.0.2:2000) and
// collects what it emits, parsed back.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "proto/tcp/connection.h"

namespace proto::tcp::test {

using namespace std::chrono_literals;

struct Sent {
  Bytes bytes;
  SegmentRepr seg;  // borrows `bytes`
};

class Harness {
 public:
  static constexpr uint32_t kPeerIss = 1000;
  static constexpr uint32_t kPeerTs = 500;

  explicit Harness(Config cfg = {}) : cfg_(std::move(cfg)) {}

  FourTuple tuple{IpAddress::v4({198, 18, 0, 1}), 1000, IpAddress::v4({198, 18, 0, 2}), 2000};
  Instant now{1'000'000};

  Connection& conn() { return *conn_; }
  void listen() { conn_.emplace(Connection::listen(config(), tuple, now)); }
  void connect() { conn_.emplace(Connection::connect(config(), tuple, now)); }

  // A peer segment with ports, ACK flag and timestamps filled in.
  SegmentRepr peer(uint32_t seq, std::optional<uint32_t> ack, uint8_t flags = 0,
                   uint16_t window = 1000) const {
    SegmentRepr s;
    s.src_port = tuple.remote_port;
    s.dst_port = tuple.local_port;
    s.seq = SeqNum{seq};
    if (ack) s.ack = SeqNum{*ack};
    s.flags = flags;
    s.window = window;
    s.opts.timestamps = Timestamps{peer_ts, last_tsval};
    return s;
  }
  void feed(const SegmentRepr& s) { conn_->on_segment(s, now); }
  // Everything the connection emits now, parsed.
  std::vector<Sent> drain() {
    std::vector<Sent> out;
    Bytes buf(kMaxHeaderLen + 2000);
    while (auto t = conn_->poll_transmit(now, buf)) {
      out.push_back(Sent{Bytes(buf.begin(), buf.begin() + t->len), {}});
    }
    for (auto& s : out) {
      auto r = parse_segment(s.bytes, tuple.local_addr.bytes(), tuple.remote_addr.bytes());
      EXPECT_TRUE(r);
      if (r) {
        s.seg = *r;
        if (s.seg.opts.timestamps) last_tsval = s.seg.opts.timestamps->val;
      }
    }
    return out;
  }
  std::vector<Event> events() {
    std::vector<Event> ev;
    while (auto e = conn_->poll_event()) ev.push_back(*e);
    return ev;
  }
  void advance(Duration d) {
    now = now + d;
    conn_->on_timer(now);
  }

  // LISTEN -> SYN-RECEIVED -> ESTABLISHED with all options; returns our ISS.
  uint32_t establish_passive(uint8_t peer_wscale = 7) {
    listen();
    SegmentRepr syn = peer(kPeerIss, std::nullopt, kSyn, 65535);
    syn.opts.mss = 1460;
    syn.opts.window_scale = peer_wscale;
    syn.opts.sack_permitted = true;
    syn.opts.timestamps = Timestamps{peer_ts, 0};
    feed(syn);
    auto out = drain();
    EXPECT_EQ(out.size(), 1u);
    iss = out.at(0).seg.seq.v;
    feed(peer(kPeerIss + 1, iss + 1, 0, 1000));
    events();
    return iss;
  }

  uint32_t iss = 0;
  uint32_t peer_ts = kPeerTs;
  uint32_t last_tsval = 0;

 private:
  Config config() {
    Config c = cfg_;
    c.isn_secret = secret_;
    return c;
  }
  Config cfg_;
  Bytes secret_ = Bytes(16, 0x42);
  std::optional<Connection> conn_;
};

}  // namespace proto::tcp::test
