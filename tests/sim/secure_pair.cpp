#include "tests/sim/secure_pair.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace sim {

using namespace std::chrono_literals;

using proto::tcp::CloseReason;
using proto::tcp::Connection;

namespace {

template <class C>
class StackOf final : public Stack {
 public:
  explicit StackOf(C c) : c_(std::move(c)) {}
  void on_segment(const proto::tcp::SegmentRepr& seg, Instant now) override { c_.on_segment(seg, now); }
  void on_timer(Instant now) override { c_.on_timer(now); }
  void on_path_mtu(uint32_t mtu, Instant now) override { c_.on_path_mtu(mtu, now); }
  size_t on_app_data(ByteView d, Instant now) override { return c_.on_app_data(d, now); }
  size_t poll_read(proto::MutByteView out, Instant now) override { return c_.poll_read(out, now); }
  void close(Instant now) override { c_.close(now); }
  std::optional<proto::tcp::Transmit> poll_transmit(Instant now, proto::MutByteView buf) override {
    return c_.poll_transmit(now, buf);
  }
  std::optional<Instant> next_timeout() const override { return c_.next_timeout(); }
  std::optional<SecureEvent> poll_event() override {
    auto e = c_.poll_event();
    if (!e) return std::nullopt;
    if constexpr (std::is_same_v<C, Connection>) return SecureEvent{e->kind, e->reason};
    else return *e;
  }
  proto::tcp::State state() const override { return c_.state(); }
  const proto::tcp::FourTuple& tuple() const override { return c_.tuple(); }
  SecureConnection* secure() override {
    if constexpr (std::is_same_v<C, SecureConnection>) return &c_;
    else return nullptr;
  }

 private:
  C c_;
};

std::unique_ptr<Stack> make_stack(const HostSpec& spec, bool is_a, bool ipv6,
                                  crypto::RandomSource& rng, Instant now) {
  proto::tcpinc::Config cfg = spec.cfg;
  cfg.tcp.isn_secret = host_secret(is_a);
  auto tuple = host_tuple(is_a, ipv6);
  if (spec.kind == Kind::Plain)
    return std::make_unique<StackOf<Connection>>(spec.active ? Connection::connect(cfg.tcp, tuple, now)
                                                             : Connection::listen(cfg.tcp, tuple, now));
  return std::make_unique<StackOf<SecureConnection>>(
      spec.active ? SecureConnection::connect(cfg, tuple, rng, spec.cache, now)
                  : SecureConnection::listen(cfg, tuple, rng, spec.cache, now));
}

}  // namespace

bool SecureHost::saw(SecureEvent::Kind k) const {
  return std::any_of(events.begin(), events.end(), [k](const SecureEvent& e) { return e.kind == k; });
}

std::optional<SecureEvent> SecureHost::closed() const {
  for (const auto& e : events)
    if (e.kind == SecureEvent::Kind::Closed) return e;
  return std::nullopt;
}

void SecureHost::app(Instant now) {
  while (queued < to_send.size()) {
    size_t n = stack->on_app_data(ByteView(to_send).subspan(queued), now);
    if (n == 0) break;
    queued += n;
  }
  if (close_when_done && !close_called && queued == to_send.size() &&
      saw(SecureEvent::Kind::Connected)) {
    close_called = true;
    stack->close(now);
  }
  std::array<uint8_t, 4096> chunk;
  while (size_t n = stack->poll_read(chunk, now)) received.insert(received.end(), chunk.begin(), chunk.begin() + n);
}

SecurePair::SecurePair(const SecurePairOptions& opt, uint64_t seed)
    : Driver(opt.ab, opt.ba, opt.ipv6, opt.start, seed),
      rng_a_(seed * 3 + 1),
      rng_b_(seed * 3 + 2),
      a_{make_stack(opt.a, true, opt.ipv6, rng_a_, opt.start), host_tuple(true, opt.ipv6).local_addr},
      b_{make_stack(opt.b, false, opt.ipv6, rng_b_, opt.start), host_tuple(false, opt.ipv6).local_addr} {}

void SecurePair::flush_host(SecureHost& h, Link& out) {
  for (int round = 0; round < 4; ++round) {
    h.app(now_);
    bool sent = false;
    while (auto t = h.stack->poll_transmit(now_, buf_)) {
      Bytes seg(buf_.begin(), buf_.begin() + t->len);
      h.sent.push_back(seg);
      if (!out.send(std::move(seg), now_)) h.stack->on_path_mtu(uint32_t(out.mtu()), now_);
      sent = true;
    }
    while (auto e = h.stack->poll_event()) h.events.push_back(*e);
    if (!sent) break;
  }
}

void SecurePair::flush() {
  flush_host(a_, ab_);
  flush_host(b_, ba_);
}

void SecurePair::deliver(Link& in, SecureHost& h, const SecureHost& from) {
  while (auto p = in.deliver(now_)) {
    auto r = proto::tcp::parse_segment(*p, from.addr.bytes(), h.addr.bytes());
    if (std::getenv("SIM_TRACE") && r)
      std::fprintf(stderr, "%8lld %c<- seq=%u ack=%u fl=%02x len=%zu | %s\n", (long long)(now_.us / 1000),
                   &h == &a_ ? 'A' : 'B', r->seq.v, r->ack ? r->ack->v : 0, r->flags, r->payload.size(),
                   state_name(h.stack->state()));
    if (r) h.stack->on_segment(*r, now_);
  }
}

std::optional<Instant> SecurePair::next_timeout() const {
  return earliest(a_.stack->next_timeout(), b_.stack->next_timeout());
}

void SecurePair::deliver_and_fire() {
  deliver(ab_, b_, a_);
  deliver(ba_, a_, b_);
  a_.stack->on_timer(now_);
  b_.stack->on_timer(now_);
}

::testing::AssertionResult secure_exchange(SecurePair& p, uint64_t seed, size_t n_ab, size_t n_ba) {
  p.a().to_send = pattern(n_ab, seed * 7 + 1);
  p.b().to_send = pattern(n_ba, seed * 7 + 2);
  p.a().close_when_done = p.b().close_when_done = true;
  bool idle = p.drive_for(900s);
  auto fail = [&](const char* what) {
    return ::testing::AssertionFailure()
           << what << " seed=" << seed << " a=" << state_name(p.a().stack->state())
           << " b=" << state_name(p.b().stack->state()) << " a_rcv=" << p.a().received.size()
           << "/" << n_ba << " b_rcv=" << p.b().received.size() << "/" << n_ab;
  };
  if (!idle) return fail("did not finish");
  if (p.b().received != p.a().to_send) return fail("A->B stream differs");
  if (p.a().received != p.b().to_send) return fail("B->A stream differs");
  for (SecureHost* h : {&p.a(), &p.b()}) {
    auto c = h->closed();
    if (!c || c->reason != CloseReason::Normal || c->error) return fail("not closed normally");
    if (!h->saw(SecureEvent::Kind::PeerFin)) return fail("missing PeerFin");
  }
  return ::testing::AssertionSuccess();
}

bool wire_contains(const std::vector<Bytes>& segments, ByteView needle) {
  for (const Bytes& s : segments) {
    auto v = proto::tcp::SegmentView::parse(s);
    if (!v) continue;
    ByteView pl = v->payload();
    if (std::search(pl.begin(), pl.end(), needle.begin(), needle.end()) != pl.end()) return true;
  }
  return false;
}

}  // namespace sim
