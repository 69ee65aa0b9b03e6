#include "tests/sim/pair.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace sim {

using proto::tcp::CloseReason;
using proto::tcp::FourTuple;

namespace {

Connection make(const proto::tcp::Config& base, bool a, bool ipv6, bool active, Instant now) {
  proto::tcp::Config c = base;
  c.isn_secret = host_secret(a);
  FourTuple t = host_tuple(a, ipv6);
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

Pair::Pair(const PairOptions& opt, uint64_t seed)
    : Driver(opt.ab, opt.ba, opt.ipv6, opt.start, seed),
      a_{make(opt.a_cfg, true, opt.ipv6, true, opt.start), host_tuple(true, opt.ipv6).local_addr},
      b_{make(opt.b_cfg, false, opt.ipv6, !opt.b_listens, opt.start),
         host_tuple(false, opt.ipv6).local_addr},
      capturing_(std::getenv("SIM_PCAP") != nullptr) {}

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

std::optional<Instant> Pair::next_timeout() const {
  return earliest(a_.conn.next_timeout(), b_.conn.next_timeout());
}

void Pair::deliver_and_fire() {
  deliver(ab_, b_, a_);
  deliver(ba_, a_, b_);
  a_.conn.on_timer(now_);
  b_.conn.on_timer(now_);
}

Bytes pattern(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = uint8_t(rng());
  return b;
}

}  // namespace sim
