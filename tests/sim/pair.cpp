#include "tests/sim/pair.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace sim {

using proto::tcp::CloseReason;
using proto::tcp::FourTuple;
using proto::tcp::IpAddress;

namespace {

constexpr std::array<uint8_t, 16> kSecretA{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
constexpr std::array<uint8_t, 16> kSecretB{9, 9, 9, 9, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

IpAddress address(bool v6, uint8_t last) {
  if (v6) {
    std::array<uint8_t, 16> b{0xfd, 0x00, 0x00, 0x18};
    b[15] = last;
    return IpAddress::v6(b);
  }
  return IpAddress::v4({198, 18, 0, last});
}

Connection make(const proto::tcp::Config& base, ByteView secret, const FourTuple& t,
                bool active, Instant now) {
  proto::tcp::Config c = base;
  c.isn_secret = secret;
  return active ? Connection::connect(c, t, now) : Connection::listen(c, t, now);
}

}  // namespace

bool Host::saw(Event::Kind k) const {
  return std::any_of(events.begin(), events.end(), [k](const Event& e) { return e.kind == k; });
}

bool Host::went_through(proto::tcp::State st) const {
  return std::find(path.begin(), path.end(), st) != path.end();
}

std::optional<CloseReason> Host::closed_reason() const {
  for (const auto& e : events)
    if (e.kind == Event::Kind::Closed) return e.reason;
  return std::nullopt;
}

void Host::app(Instant now) {
  while (queued < to_send.size()) {
    size_t n = conn.on_app_data(ByteView(to_send).subspan(queued), now);
    if (n == 0) break;
    queued += n;
  }
  if (close_when_done && !close_called && queued == to_send.size() &&
      conn.state() != proto::tcp::State::SynSent &&
      conn.state() != proto::tcp::State::Listen) {
    close_called = true;
    conn.close(now);
  }
  if (!reading) return;
  std::array<uint8_t, 4096> chunk;
  while (size_t n = conn.poll_read(chunk, now)) received.insert(received.end(), chunk.begin(), chunk.begin() + n);
}

ByteView host_secret(bool a) { return a ? ByteView(kSecretA) : ByteView(kSecretB); }

proto::tcp::FourTuple host_tuple(bool a, bool ipv6) {
  return a ? FourTuple{address(ipv6, 1), 40000, address(ipv6, 2), 80}
           : FourTuple{address(ipv6, 2), 80, address(ipv6, 1), 40000};
}

Pair::Pair(const PairOptions& opt, uint64_t seed)
    : now_(opt.start),
      a_{make(opt.a_cfg, kSecretA, host_tuple(true, opt.ipv6), true,
              opt.start),
         address(opt.ipv6, 1)},
      b_{make(opt.b_cfg, kSecretB, host_tuple(false, opt.ipv6),
              !opt.b_listens, opt.start),
         address(opt.ipv6, 2)},
      ab_(opt.ab, seed * 2 + 1),
      ba_(opt.ba, seed * 2 + 2),
      buf_(proto::tcp::kMaxHeaderLen + 65535) {
  capturing_ = std::getenv("SIM_PCAP") != nullptr;
  ab_.set_overhead(proto::tcp::ip_header_len(a_.addr));
  ba_.set_overhead(proto::tcp::ip_header_len(b_.addr));
}

void Pair::flush_host(Host& h, Link& out) {
  for (int round = 0; round < 4; ++round) {
    h.app(now_);
    bool sent = false;
    while (auto t = h.conn.poll_transmit(now_, buf_)) {
      Bytes seg(buf_.begin(), buf_.begin() + t->len);
      if (capturing_)
        capture_.push_back(CapturedSegment{now_, h.addr, h.conn.tuple().remote_addr, seg});
      if (!out.send(std::move(seg), now_))
        h.conn.on_path_mtu(uint32_t(out.mtu()), now_);  // ICMP packet too big
      sent = true;
    }
    while (auto e = h.conn.poll_event()) h.events.push_back(*e);
    if (h.path.empty() || h.path.back() != h.conn.state()) h.path.push_back(h.conn.state());
    if (!sent) break;
  }
}

void Pair::flush() {
  flush_host(a_, ab_);
  flush_host(b_, ba_);
}

void Pair::save_capture(const std::string& name) const {
  if (const char* dir = std::getenv("SIM_PCAP")) write_pcap(std::string(dir) + "/" + name + ".pcap", capture_);
}

void Pair::deliver(Link& in, Host& h, const Host& from) {
  while (auto p = in.deliver(now_)) {
    auto r = proto::tcp::parse_segment(*p, from.addr.bytes(), h.addr.bytes());
    if (!r) {
      ++h.bad_checksums;
      continue;
    }
    if (std::getenv("SIM_TRACE"))
      std::fprintf(stderr, "%8lld %c<- seq=%u ack=%u fl=%02x len=%zu win=%u sack=%u | %s una=%zu\n",
                   (long long)(now_.us / 1000), &h == &a_ ? 'A' : 'B', r->seq.v,
                   r->ack ? r->ack->v : 0, r->flags, r->payload.size(), r->window,
                   r->opts.sack_count, state_name(h.conn.state()), h.conn.unacked());
    h.conn.on_segment(*r, now_);
  }
}

bool Pair::step() {
  flush();
  std::optional<Instant> t;
  for (auto c : {a_.conn.next_timeout(), b_.conn.next_timeout(), ab_.next_delivery(),
                 ba_.next_delivery()})
    if (c && (!t || *c < *t)) t = c;
  if (!t) return false;
  now_ = std::max(now_, *t);
  deliver(ab_, b_, a_);
  deliver(ba_, a_, b_);
  a_.conn.on_timer(now_);
  b_.conn.on_timer(now_);
  flush();
  return true;
}

bool Pair::drive(Instant until) {
  // The step cap turns a livelock (a timer that never advances time) into a failure.
  for (int steps = 0; now_ <= until && steps < 2'000'000; ++steps) {
    if (!step()) return true;
  }
  return false;
}

void Pair::run_until(Instant t) {
  while (now_ < t) {
    flush();
    std::optional<Instant> next;
    for (auto c : {a_.conn.next_timeout(), b_.conn.next_timeout(), ab_.next_delivery(),
                   ba_.next_delivery()})
      if (c && (!next || *c < *next)) next = c;
    if (!next || *next > t) {
      now_ = t;
      flush();
      return;
    }
    step();
  }
}

bool Pair::run_until(const std::function<bool()>& done, Duration limit) {
  Instant end = now_ + limit;
  flush();
  while (!done() && now_ < end && step()) {
  }
  return done();
}

Bytes pattern(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = uint8_t(rng());
  return b;
}

}  // namespace sim
