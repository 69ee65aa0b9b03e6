#include "tund/conn_table/conn_table.h"

#include <spdlog/spdlog.h>

#include "crypto/random.h"
#include "crypto/secure.h"
#include "tund/conn_table/security.h"
#include "tund/control/gate.h"

namespace tund::conn_table {

namespace pc = proto::control;
namespace tcp = proto::tcp;
using proto::Instant;

namespace {

constexpr size_t kScratch = 64 * 1024;
constexpr size_t kIsnSecretLen = 32;
// One MSS for both families: the TUN MTU minus the larger (IPv6) fixed headers.
constexpr uint32_t kIpv6TcpHeaders = 60;
constexpr uint32_t kMinMtu = 1280;

TcpStackConfig stack_config(const ConnTableConfig& c, proto::ByteView isn_secret) {
  TcpStackConfig s;
  auto& conn = s.endpoint.connection;
  conn = c.security;
  conn.tcp.mss = uint16_t(std::max(c.mtu, kMinMtu) - kIpv6TcpHeaders);
  conn.tcp.syn_retries = c.syn_retries;
  conn.tcp.isn_secret = isn_secret;
  s.endpoint.randomness_ready = crypto::system_random_ready;  // ENO-28, asked at every open
  s.endpoint.max_connections = c.max_connections;
  s.cache = c.resumption_cache;
  if (!s.cache) conn.session.no_caching = true;  // no state about peers at all
  return s;
}

crypto::SecretBytes random_secret() {
  crypto::SecretBytes secret(kIsnSecretLen);
  crypto::SystemRandom().fill(secret.mut_view());
  return secret;
}

// RFC 1122 §4.2.3.9: soft errors, reported if the connect then times out (as Linux does).
std::optional<pc::ConnError> soft_error_of(proto::ip::IcmpErrorKind k) {
  using K = proto::ip::IcmpErrorKind;
  switch (k) {
    case K::NetUnreachable: return pc::ConnError::NetUnreachable;
    case K::HostUnreachable:
    case K::AdminProhibited: return pc::ConnError::HostUnreachable;
    case K::PortUnreachable:
    case K::ProtocolUnreachable: return pc::ConnError::Refused;
    case K::PacketTooBig: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string ConnTableStats::to_text() const {
  std::string out;
  auto line = [&out](const char* name, uint64_t v) { out += std::string(name) + " " + std::to_string(v) + "\n"; };
  line("conn_connects", connects);
  line("conn_connects_failed", connects_failed);
  line("conn_accepted", accepted);
  line("conn_accept_dropped", accept_dropped);
  line("conn_resets", resets);
  line("conn_app_aborts", app_aborts);
  line("conn_bytes_from_apps", bytes_from_apps);
  line("conn_bytes_to_apps", bytes_to_apps);
  line("conn_refused_full", refused_full);
  line("conn_carrier_errors", carrier_errors);
  line("conn_encrypted", encrypted);
  line("conn_resumed", resumed);
  line("conn_plain", plain);
  line("conn_eno_required_failures", eno_required_failures);
  line("conn_crypto_failures", crypto_failures);
  line("conn_key_updates", key_updates);
  line("conn_connections", connections);
  line("conn_listeners", listeners);
  line("conn_keys_held", keys_held);
  line("conn_cached_secrets", cached_secrets);
  return out;
}

ConnTable::ConnTable(boost::asio::io_context& io, const LoopClock& clock, PacketSink& sink,
                     ConnTableConfig config)
    : io_(io),
      clock_(clock),
      config_(std::move(config)),
      isn_secret_(random_secret()),
      stack_(stack_config(config_, isn_secret_.view()), sink),
      ports_(config_.ephemeral),
      scratch_(kScratch) {}

ConnTable::~ConnTable() = default;

ConnTable::Managed* ConnTable::find(uint64_t token) {
  auto it = conns_.find(token);
  return it == conns_.end() ? nullptr : &it->second;
}

ConnTable::Managed* ConnTable::find_by_id(tcp::ConnectionId id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : find(it->second);
}

void ConnTable::on_packet(const proto::ip::IpPacket& packet, Instant now) {
  if (auto id = stack_.on_packet(packet, now))
    if (auto* m = find_by_id(*id)) mark(m->token);
  drain(now);
}

void ConnTable::on_icmp(const proto::ip::IcmpError& error, Instant now) {
  spdlog::debug("ICMP {} for {} -> {} seq {} mtu {}", proto::ip::icmp_error_kind_name(error.kind),
                error.local.to_string(), error.remote.to_string(), error.seq, error.mtu);
  for (auto& [token, m] : conns_) {
    if (m.local != error.local || m.remote != error.remote) continue;
    auto* c = tcp(m);
    if (!c) return;
    if (error.kind == proto::ip::IcmpErrorKind::PacketTooBig) {
      if (error.mtu != 0) c->on_path_mtu(error.mtu, now);
    } else if (c->state() == tcp::State::SynSent) {
      m.soft_error = soft_error_of(error.kind);
    }
    mark(token);
    break;
  }
  drain(now);
}

void ConnTable::on_timer(Instant now) {
  stack_.on_timer(now);
  for (auto& [token, m] : conns_) mark(token);
  drain(now);
}

std::optional<Instant> ConnTable::next_timeout() const { return stack_.next_timeout(); }

void ConnTable::drain(Instant now) {
  do {
    stack_.transmit(now);
    while (auto id = stack_.endpoint().poll_accept()) adopt_passive(*id, now);
    auto batch = std::move(dirty_);
    dirty_.clear();
    for (uint64_t token : batch) {
      auto* m = find(token);
      if (m) process_events(*m, now);
      if ((m = find(token)) && finished(*m)) remove(*m);
    }
  } while (!dirty_.empty());
  stack_.transmit(now);
}

void ConnTable::after_external_input() {
  drain(clock_.now());
  if (config_.reschedule) config_.reschedule();
}

void ConnTable::adopt_passive(tcp::ConnectionId id, Instant now) {
  auto* c = stack_.endpoint().get(id);
  if (!c) return;
  const auto& t = c->tuple();
  Managed m;
  m.token = next_token_++;
  m.id = id;
  m.local = {t.local_addr, t.local_port};
  m.remote = {t.remote_addr, t.remote_port};
  auto lp = listener_by_port_.find(t.local_port);
  Listener* l = lp == listener_by_port_.end() ? nullptr : &listeners_.at(lp->second);
  if (l && l->pending < std::max<uint32_t>(l->backlog, 1) && !full()) {
    m.listener = l->token;
    m.client = l->client;
    m.pid = l->pid;
    m.uid = l->uid;
    ++l->live;
    ++l->pending;
  } else {
    ++stats_.accept_dropped;
    c->abort(now);
  }
  m.mode = to_control_mode(c->config().mode);
  by_id_[id] = m.token;
  mark(m.token);
  conns_.emplace(m.token, std::move(m));
}

void ConnTable::process_events(Managed& m, Instant now) {
  while (auto* c = tcp(m)) {
    auto ev = c->poll_event();
    if (!ev) return;
    switch (ev->kind) {
      case tcp::Event::Kind::Connected: on_connected(m, now); break;
      case tcp::Event::Kind::Readable:
      case tcp::Event::Kind::PeerFin: pump_to_app(m, now); break;
      case tcp::Event::Kind::Writable: pump_from_app(m, now); break;
      case tcp::Event::Kind::Closed: on_closed(m, *ev, now); return;  // m may be gone
    }
  }
}

void ConnTable::on_connected(Managed& m, Instant now) {
  const auto* c = tcp(m);
  if (!c) return;  // Connected comes from a live connection; nothing to deliver otherwise
  const pc::SecurityInfo security = security_info(*c);
  if (m.active) {
    if (!m.carrier || !control::open_gate(m.carrier->fd(), m.filler)) {
      app_gone(m, now);  // the app closed its end while connecting
      return;
    }
    m.filler = 0;
    m.delivered = true;
    count_outcome(*c);
    if (events_) events_->connect_result(m.client, pc::ConnectResult{m.token, std::nullopt, security});
  } else {
    auto& l = listeners_.at(m.listener);
    auto pair = make_carrier_pair();
    if (!l.open || !events_ || !pair) {
      if (!pair) ++stats_.carrier_errors;
      tcp(m)->abort(now);  // its Closed event settles the listener's pending count
      mark(m.token);
      return;
    }
    --l.pending;
    start_relay(m, std::move(pair->first));
    m.delivered = true;
    ++stats_.accepted;
    count_outcome(*c);
    events_->accepted(l.client, pc::Accepted{l.token, m.token, m.remote, m.local, security},
                      std::move(pair->second));
  }
  pump_from_app(m, now);
  pump_to_app(m, now);
}

void ConnTable::on_closed(Managed& m, const proto::tcpinc::Event& closed, Instant now) {
  const auto reason = closed.reason;
  const auto error = proto::tcpinc::conn_error(closed);
  if (error || !m.delivered) {
    count_failure(error);
    const bool icmp = reason == tcp::CloseReason::TimedOut && !closed.error && m.soft_error;
    m.error = icmp ? *m.soft_error : error.value_or(pc::ConnError::Aborted);
    if (m.active && !m.delivered) {
      ++stats_.connects_failed;
      if (events_) events_->connect_result(m.client, pc::ConnectResult{m.token, m.error, {}});
    } else if (!m.active && !m.delivered && m.listener) {
      --listeners_.at(m.listener).pending;
    } else if (reason == tcp::CloseReason::Reset || reason == tcp::CloseReason::TimedOut ||
               closed.error) {
      ++stats_.resets;
    }
    remove(m);  // closes the carrier unread: the app sees ECONNRESET or EOF (header)
    return;
  }
  // Normal: both FINs done. Bytes may still wait for a slow app; drain() removes the
  // connection once they are out (finished()).
  m.tcp_closed = true;
  pump_to_app(m, now);
}

void ConnTable::count_outcome(const proto::tcpinc::SecureConnection& c) {
  if (!c.encrypted()) {
    ++stats_.plain;
    if (auto why = c.disable_reason())
      spdlog::debug("connection {} -> {}: plain TCP ({})", c.tuple().local_port, c.tuple().remote_port,
                   proto::eno::disable_reason_name(*why));
    return;
  }
  ++stats_.encrypted;
  if (c.resumed()) ++stats_.resumed;
}

void ConnTable::count_failure(std::optional<pc::ConnError> e) {
  switch (e.value_or(pc::ConnError::Aborted)) {
    case pc::ConnError::EnoRequired: ++stats_.eno_required_failures; break;
    case pc::ConnError::KeyExchangeFailed:
    case pc::ConnError::HandshakeTimeout:
    case pc::ConnError::IntegrityFailure: ++stats_.crypto_failures; break;
    default: break;
  }
}

bool ConnTable::finished(const Managed& m) const { return m.tcp_closed && (!m.carrier || m.fin_to_app); }

void ConnTable::remove(Managed& m) {
  if (m.error) remember_closed(m);
  close_carrier(m);
  if (m.active) release_local_port(m.local.addr, m.local.port, m.own_rule);
  if (m.listener) release_listener_connection(m.listener);
  by_id_.erase(m.id);
  if (const auto* c = tcp(m)) key_updates_removed_ += c->stats().rekeys_initiated;
  stack_.endpoint().remove(m.id);
  conns_.erase(m.token);
}

void ConnTable::remember_closed(const Managed& m) {
  auto s = status_of(m);
  s.state = pc::ConnState::Aborted;
  recently_closed_.push_back(std::move(s));
  if (recently_closed_.size() > kRecentlyClosed) recently_closed_.pop_front();
}

pc::ConnectionStatus ConnTable::status_of(const Managed& m) {
  pc::ConnectionStatus s;
  s.token = m.token;
  s.local = m.local;
  s.remote = m.remote;
  s.mode = m.mode;
  s.error = m.error;
  s.owner_pid = m.pid;
  s.owner_uid = m.uid;
  s.counters = m.counters;
  const auto* c = stack_.endpoint().get(m.id);
  if (!c) {
    s.state = pc::ConnState::Closed;
    return s;
  }
  s.security = security_info(*c);
  const auto& st = c->tcp().stats();
  s.counters.segments_sent = st.segments_sent;
  s.counters.segments_received = st.segments_received;
  s.counters.retransmits = st.retransmits;
  switch (c->state()) {
    case tcp::State::Listen:
    case tcp::State::SynSent:
    case tcp::State::SynReceived: s.state = pc::ConnState::Connecting; break;
    case tcp::State::Established: s.state = pc::ConnState::Established; break;
    case tcp::State::Closed: s.state = pc::ConnState::Closed; break;
    default: s.state = pc::ConnState::Closing; break;
  }
  return s;
}

const ConnTableStats& ConnTable::stats() {
  stats_.connections = conns_.size();
  stats_.listeners = listeners_.size();
  stats_.keys_held = 0;
  stats_.key_updates = key_updates_removed_;
  for (const auto& [token, m] : conns_) {
    const auto* c = stack_.endpoint().get(m.id);
    if (!c) continue;
    if (c->holds_keys()) ++stats_.keys_held;
    stats_.key_updates += c->stats().rekeys_initiated;
  }
  stats_.cached_secrets = stack_.cached_secrets();
  return stats_;
}

}  // namespace tund::conn_table
