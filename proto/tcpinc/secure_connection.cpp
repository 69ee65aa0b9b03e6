#include "proto/tcpinc/secure_connection.h"

#include <algorithm>
#include <vector>

#include "proto/eno/option.h"

namespace proto::tcpinc {

namespace {

// Option bytes the TCP layer puts in its SYN / SYN-ACK before ours (options.h packs them
// without padding): what is left is the ENO option's budget (21 bytes with all four).
size_t syn_option_budget(const tcp::Config& c) {
  tcp::TcpOptions o;
  o.mss = c.mss;
  o.sack_permitted = c.sack;
  if (c.timestamps) o.timestamps = tcp::Timestamps{};
  if (c.window_scaling) o.window_scale = 0;
  size_t used = o.unpadded_len(true);
  return used < tcp::kMaxOptionBytes ? tcp::kMaxOptionBytes - used : 0;
}

// RFC 8547 §4.6 lets the offer be anything the TEP accepts; when it does not fit the SYN,
// the least preferred suboptions (first, TcpcryptPolicy::active_offer orders them by
// increasing preference) go first, so that the most preferred one (or the resumption
// suboption, which is last) survives.
std::vector<eno::TepSuboption> fit_offer(std::vector<eno::TepSuboption> offer, uint8_t global,
                                         size_t budget) {
  const std::optional<uint8_t> g =
      global == eno::kImplicitGlobal ? std::nullopt : std::optional<uint8_t>(global);
  while (offer.size() > 1 && !eno::encode_syn_option(g, offer, budget))
    offer.erase(offer.begin());
  return offer;
}

}  // namespace

SecureConnection SecureConnection::connect(const Config& cfg, const tcp::FourTuple& tuple,
                                           crypto::RandomSource& rng,
                                           tcpcrypt::SessionCache* cache, Instant now) {
  return SecureConnection(cfg, tcp::Connection::connect(cfg.tcp, tuple, now), eno::Opener::Active,
                          rng, cache, now);
}

SecureConnection SecureConnection::listen(const Config& cfg, const tcp::FourTuple& tuple,
                                          crypto::RandomSource& rng,
                                          tcpcrypt::SessionCache* cache, Instant now) {
  return SecureConnection(cfg, tcp::Connection::listen(cfg.tcp, tuple, now), eno::Opener::Passive,
                          rng, cache, now);
}

SecureConnection::SecureConnection(const Config& cfg, tcp::Connection conn, eno::Opener opener,
                                   crypto::RandomSource& rng, tcpcrypt::SessionCache* cache,
                                   Instant now)
    : detail::SecureConnectionState(cfg, std::move(conn), rng, cache, now) {
  cfg_.tcp.isn_secret = {};  // borrowed only during the factory call
  ByteView peer = conn_.tuple().remote_addr.bytes();
  peer_key_.assign(peer.begin(), peer.end());
  policy_ = std::make_unique<tcpcrypt::TcpcryptPolicy>(cfg_.policy, rng, cache, peer_key_, now);
  eno::NegotiatorConfig n;
  n.enabled = cfg_.mode != Mode::Off;
  n.randomness_ready = cfg_.randomness_ready;
  n.passive_role_bit = cfg_.role_b;
  n.app_aware = cfg_.app_aware;
  n.app_aware_mandatory = cfg_.app_aware_mandatory;
  n.option_budget = syn_option_budget(cfg_.tcp);
  if (opener == eno::Opener::Active && n.enabled && n.randomness_ready) {
    const uint8_t global =
        uint8_t((cfg_.role_b ? eno::kGlobalB : 0) | (cfg_.app_aware ? eno::kGlobalA : 0));
    n.offer = fit_offer(policy_->active_offer(), global, n.option_budget);
  }
  negotiator_ = std::make_unique<eno::Negotiator>(opener, std::move(n), *policy_);
  bind();
}

SecureConnection::SecureConnection(SecureConnection&& o) noexcept
    : detail::SecureConnectionState(std::move(o)) {
  bind();
}

SecureConnection& SecureConnection::operator=(SecureConnection&& o) noexcept {
  detail::SecureConnectionState::operator=(std::move(o));
  bind();
  return *this;
}

SecureConnection::~SecureConnection() {
  conn_.set_option_hook(nullptr);
}

void SecureConnection::bind() { conn_.set_option_hook(this); }

// ---- tcp::OptionHook ----

size_t SecureConnection::extra_options(const tcp::OutgoingSegment& seg, MutByteView room) {
  if (!negotiator_) return 0;
  // ENO-13, ENO-15: the negotiator repeats the identical SYN-form option and adds `45 02`
  // to every segment until a non-SYN segment has been received.
  auto option = negotiator_->option_for_next_segment({seg.syn, seg.ack.has_value()});
  if (!option || option->size() > room.size()) return 0;
  std::copy(option->begin(), option->end(), room.begin());
  return option->size();
}

void SecureConnection::on_segment_options(const tcp::SegmentRepr& seg) {
  if (!negotiator_) return;
  std::vector<ByteView> eno;
  for (ByteView tlv : seg.opts.unknown)
    if (!tlv.empty() && tlv[0] == eno::kEnoKind) eno.push_back(tlv);
  negotiator_->on_segment_received({seg.has(tcp::kSyn), seg.ack.has_value()}, eno);
  // RFC 8547 §9 "type 2" failure: our third-ACK view lost ENO (stripped) but the peer
  // enabled it and now sends TEP bytes. Those bytes are not application data.
  if (negotiator_->state() == eno::NegotiationState::Disabled && !seg.has(tcp::kSyn) &&
      !seg.payload.empty() && !eno.empty())
    eno_after_fallback_ = true;
}

// ---- Inputs ----

void SecureConnection::on_segment(const tcp::SegmentRepr& seg, Instant now) {
  conn_.on_segment(seg, now);
  update(now);
}

void SecureConnection::on_timer(Instant now) {
  conn_.on_timer(now);
  if (protection_ == Protection::Pending && handshake_deadline_ && now >= *handshake_deadline_)
    return fail(Error{Errc::HandshakeTimeout, "Init1/Init2 did not arrive in time"}, now);
  update(now);
}

void SecureConnection::on_path_mtu(uint32_t mtu, Instant now) {
  conn_.on_path_mtu(mtu, now);
  update(now);
}

std::optional<tcp::Transmit> SecureConnection::poll_transmit(Instant now, MutByteView buf) {
  if (auto t = conn_.poll_transmit(now, buf)) return t;
  // Sending the third ACK may have enabled ENO (ENO-16): start the key exchange now.
  update(now);
  return conn_.poll_transmit(now, buf);
}

std::optional<Instant> SecureConnection::next_timeout() const {
  std::optional<Instant> t = conn_.next_timeout();
  auto earliest = [&t](Instant c) {
    if (!t || c < *t) t = c;
  };
  if (protection_ == Protection::Pending && handshake_deadline_) earliest(*handshake_deadline_);
  if (encrypted() && session_ && !fin_handed_ && cfg_.rekey_interval.count() > 0)
    earliest(last_rekey_ + cfg_.rekey_interval);
  return t;
}

std::optional<Event> SecureConnection::poll_event() {
  if (events_.empty()) drain_tcp_events();
  if (events_.empty()) return std::nullopt;
  Event e = events_.front();
  events_.pop_front();
  return e;
}

// ---- Getters ----

std::optional<eno::Role> SecureConnection::role() const {
  if (negotiator_->state() != eno::NegotiationState::Enabled) return std::nullopt;
  return negotiator_->local_role();
}

std::optional<uint8_t> SecureConnection::tep() const {
  const eno::Negotiated* n = negotiator_->negotiated();
  if (!n || negotiator_->state() != eno::NegotiationState::Enabled) return std::nullopt;
  return n->tep;
}

std::optional<bool> SecureConnection::peer_app_aware() const {
  auto g = peer_global();
  if (!g) return std::nullopt;
  return (*g & eno::kGlobalA) != 0;
}

std::optional<uint8_t> SecureConnection::peer_global() const { return negotiator_->peer_global(); }

uint8_t SecureConnection::local_global() const { return negotiator_->local_global(); }

std::optional<eno::DisableReason> SecureConnection::disable_reason() const {
  return negotiator_->disable_reason();
}

uint64_t SecureConnection::local_generation() const {
  return session_ ? session_->local_generation() : 0;
}

uint64_t SecureConnection::remote_generation() const {
  return session_ ? session_->remote_generation() : 0;
}

// ---- Outcome of the negotiation ----

void SecureConnection::update(Instant now) {
  drain_tcp_events();
  decide(now);
  pump(now);
}

void SecureConnection::decide(Instant now) {
  if (eno_after_fallback_ && protection_ == Protection::Plain)
    return fail(Error{Errc::EnoMismatch, "peer sent ENO on data after fallback"}, now);
  if (protection_ != Protection::Pending) return;
  const auto st = negotiator_->state();
  if (st == eno::NegotiationState::Enabled) {
    if (!session_) start_session(now);
    policy_->release_secrets();  // ENO-25: an unused resumption secret goes now
    return;
  }
  if (st != eno::NegotiationState::Disabled) return;
  policy_->release_secrets();
  if (!tcp_connected_) return;
  if (eno_after_fallback_)
    return fail(Error{Errc::EnoMismatch, "peer sent ENO on data after fallback"}, now);
  if (cfg_.mode == Mode::Required)  // abort before any application byte leaves
    return fail(Error{Errc::EncryptionRequired, "TCP-ENO/tcpcrypt not negotiated"}, now);
  protection_ = Protection::Plain;
  push_event(Event{Event::Kind::Connected});
  connected_signalled_ = true;
  if (plain_pending_.readable) push_event(Event{Event::Kind::Readable});
  if (plain_pending_.peer_fin) push_event(Event{Event::Kind::PeerFin});
}

void SecureConnection::start_session(Instant now) {
  const eno::Negotiated* n = negotiator_->negotiated();
  tcpcrypt::SessionStart start;
  start.role = negotiator_->local_role() == eno::Role::A ? tcpcrypt::Role::A : tcpcrypt::Role::B;
  start.tep_byte = n->tep_byte;
  start.eno_transcript = n->transcript;
  if (n->resumption) start.resumed = policy_->take_resumption(n->tep);  // TC-20
  auto s = tcpcrypt::Session::create(std::move(start), cfg_.session, *rng_);
  if (!s) return fail(s.error(), now);
  session_.emplace(std::move(*s));
  if (!handshake_deadline_) handshake_deadline_ = now + cfg_.handshake_timeout;
  drain_session(now);
}

void SecureConnection::on_established(const tcpcrypt::Established& e, Instant now) {
  protection_ = Protection::Encrypted;
  session_id_ = e.session_id;
  aead_ = e.aead;
  resumed_ = e.resumed;
  handshake_deadline_.reset();
  last_rekey_ = now;
  if (cache_) {
    // TC-23: a fresh session leaves ss[1] for a later resumption (none with no_caching).
    if (auto seed = session_->take_cache_seed()) (void)cache_->insert(peer_key_, std::move(*seed), now);
  }
  push_event(Event{Event::Kind::Connected});
  connected_signalled_ = true;
}

void SecureConnection::fail(Error e, Instant now) {
  if (error_) return;
  error_ = e;
  protection_ = Protection::Failed;
  session_.reset();  // keys erased (Session and its frame keys are SecretBytes)
  app_tx_.clear();
  tx_.clear();
  push_ends_.clear();
  rx_.clear();
  rx_pos_ = 0;
  conn_.abort(now);  // TC-10: RST, then Closed(Aborted) with `error`
  drain_tcp_events();
}

}  // namespace proto::tcpinc
