#include "proto/tcpinc/secure_endpoint.h"

namespace proto::tcpinc {

SecureEndpoint::SecureEndpoint(const SecureEndpointConfig& cfg, crypto::RandomSource& rng,
                               tcpcrypt::SessionCache* cache)
    : cfg_(cfg), isn_secret_(cfg.connection.tcp.isn_secret), rng_(rng), cache_(cache) {
  cfg_.connection.tcp.isn_secret = {};
}

Config SecureEndpoint::with_secret(Config c) const {
  c.tcp.isn_secret = isn_secret_.view();
  return c;
}

Bytes SecureEndpoint::key_of(const tcp::FourTuple& t) {
  Bytes k;
  for (const tcp::IpAddress* a : {&t.local_addr, &t.remote_addr}) {
    k.push_back(uint8_t(a->bytes().size()));
    put_bytes(k, a->bytes());
  }
  put_be16(k, t.local_port);
  put_be16(k, t.remote_port);
  return k;
}

ConnectionId SecureEndpoint::add(SecureConnection conn) {
  ConnectionId id = next_id_++;
  by_tuple_[key_of(conn.tuple())] = id;
  conns_.emplace(id, std::move(conn));
  return id;
}

Result<ConnectionId> SecureEndpoint::connect(const tcp::FourTuple& tuple, Instant now) {
  return connect(tuple, cfg_.connection, now);
}

Result<ConnectionId> SecureEndpoint::connect(const tcp::FourTuple& tuple, const Config& cfg,
                                             Instant now) {
  if (by_tuple_.count(key_of(tuple))) return fail(Errc::InvalidState, "4-tuple in use");
  if (conns_.size() >= cfg_.max_connections) return fail(Errc::TooLong, "connection table full");
  return add(SecureConnection::connect(with_secret(cfg), tuple, rng_, cache_, now));
}

std::optional<ConnectionId> SecureEndpoint::on_segment(ByteView segment, const tcp::IpAddress& src,
                                                       const tcp::IpAddress& dst, Instant now) {
  auto seg = tcp::parse_segment(segment, src.bytes(), dst.bytes());
  if (!seg) {
    ++stats_.bad_segments;
    return std::nullopt;
  }
  tcp::FourTuple tuple{dst, seg->dst_port, src, seg->src_port};
  if (auto it = by_tuple_.find(key_of(tuple)); it != by_tuple_.end()) {
    conns_.at(it->second).on_segment(*seg, now);
    return it->second;
  }
  const bool listening = listening_.count(seg->dst_port) > 0;
  // RFC 9293 §3.10.7.2: a listener takes a SYN (without ACK or RST) and drops a RST.
  if (listening && seg->has(tcp::kSyn) && !seg->ack && !seg->has(tcp::kRst)) {
    if (conns_.size() >= cfg_.max_connections) {
      ++stats_.syns_dropped;
      return std::nullopt;
    }
    ConnectionId id =
        add(SecureConnection::listen(with_secret(cfg_.connection), tuple, rng_, cache_, now));
    conns_.at(id).on_segment(*seg, now);
    accepted_.push_back(id);
    return id;
  }
  if (listening && !seg->ack) return std::nullopt;
  if (auto rst = tcp::reset_for(*seg)) {  // §3.10.7.1: nothing here, answer with a RST
    if (resets_.size() >= cfg_.max_pending_resets) ++stats_.resets_dropped;
    else resets_.push_back(PendingReset{dst, src, *rst});
  }
  return std::nullopt;
}

void SecureEndpoint::on_timer(Instant now) {
  for (auto& [id, c] : conns_) c.on_timer(now);
}

std::optional<tcp::EndpointTransmit> SecureEndpoint::poll_transmit(Instant now, MutByteView buf) {
  while (!resets_.empty()) {
    PendingReset r = resets_.front();
    resets_.pop_front();
    auto n = r.seg.emit(r.src.bytes(), r.dst.bytes(), buf);
    if (!n) continue;
    ++stats_.resets_sent;
    return tcp::EndpointTransmit{r.src, r.dst, *n, std::nullopt};
  }
  // Round-robin from the connection after the last one that sent.
  for (int pass = 0; pass < 2; ++pass) {
    auto it = pass == 0 ? conns_.upper_bound(cursor_) : conns_.begin();
    auto end = pass == 0 ? conns_.end() : conns_.upper_bound(cursor_);
    for (; it != end; ++it) {
      if (auto t = it->second.poll_transmit(now, buf)) {
        cursor_ = it->first;
        const tcp::FourTuple& tu = it->second.tuple();
        return tcp::EndpointTransmit{tu.local_addr, tu.remote_addr, t->len, it->first};
      }
    }
  }
  return std::nullopt;
}

std::optional<Instant> SecureEndpoint::next_timeout() const {
  std::optional<Instant> best;
  for (const auto& [id, c] : conns_) {
    auto t = c.next_timeout();
    if (t && (!best || *t < *best)) best = t;
  }
  return best;
}

std::optional<ConnectionId> SecureEndpoint::poll_accept() {
  while (!accepted_.empty()) {
    ConnectionId id = accepted_.front();
    accepted_.pop_front();
    if (conns_.count(id)) return id;
  }
  return std::nullopt;
}

SecureConnection* SecureEndpoint::get(ConnectionId id) {
  auto it = conns_.find(id);
  return it == conns_.end() ? nullptr : &it->second;
}

void SecureEndpoint::remove(ConnectionId id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  by_tuple_.erase(key_of(it->second.tuple()));
  conns_.erase(it);
}

}  // namespace proto::tcpinc
