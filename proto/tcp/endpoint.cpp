#include "proto/tcp/endpoint.h"

namespace proto::tcp {

Endpoint::Endpoint(const EndpointConfig& cfg)
    : cfg_(cfg), isn_secret_(cfg.connection.isn_secret) {
  cfg_.connection.isn_secret = {};
}

Config Endpoint::connection_config() const {
  Config c = cfg_.connection;
  c.isn_secret = isn_secret_.view();
  return c;
}

Endpoint::Key Endpoint::key_of(const FourTuple& t) {
  Key k{};
  size_t at = 0;
  for (const IpAddress* a : {&t.local_addr, &t.remote_addr}) {
    k[at++] = uint8_t(a->bytes().size());
    for (uint8_t b : a->bytes()) k[at++] = b;
    at += 16 - a->bytes().size();
  }
  store_be16(k, at, t.local_port);
  store_be16(k, at + 2, t.remote_port);
  return k;
}

ConnectionId Endpoint::add(Connection conn) {
  ConnectionId id = next_id_++;
  if (hook_factory_) conn.set_option_hook(hook_factory_(id, conn.tuple()));
  by_tuple_[key_of(conn.tuple())] = id;
  conns_.emplace(id, std::move(conn));
  return id;
}

Result<ConnectionId> Endpoint::connect(const FourTuple& tuple, Instant now) {
  if (by_tuple_.count(key_of(tuple))) return fail(Errc::InvalidState, "4-tuple in use");
  if (conns_.size() >= cfg_.max_connections)
    return fail(Errc::TooLong, "connection table full");
  return add(Connection::connect(connection_config(), tuple, now));
}

std::optional<ConnectionId> Endpoint::on_segment(ByteView segment, const IpAddress& src,
                                                 const IpAddress& dst, Instant now) {
  auto seg = parse_segment(segment, src.bytes(), dst.bytes());
  if (!seg) {
    ++stats_.bad_segments;
    return std::nullopt;
  }
  FourTuple tuple{dst, seg->dst_port, src, seg->src_port};
  if (auto it = by_tuple_.find(key_of(tuple)); it != by_tuple_.end()) {
    conns_.at(it->second).on_segment(*seg, now);
    return it->second;
  }
  bool listening = listening_.count(seg->dst_port) > 0;
  // RFC 9293 §3.10.7.2: a listener takes a SYN (without ACK or RST) and drops a RST.
  if (listening && seg->has(kSyn) && !seg->ack && !seg->has(kRst)) {
    if (conns_.size() >= cfg_.max_connections) {
      ++stats_.syns_dropped;
      return std::nullopt;
    }
    ConnectionId id = add(Connection::listen(connection_config(), tuple, now));
    conns_.at(id).on_segment(*seg, now);
    accepted_.push_back(id);
    return id;
  }
  if (listening && !seg->ack) return std::nullopt;  // LISTEN: no ACK, no RST: drop
  // §3.10.7.1 (no connection) and §3.10.7.2 (LISTEN, ACK): answer with a RST.
  if (auto rst = reset_for(*seg)) {
    if (resets_.size() >= cfg_.max_pending_resets) {
      ++stats_.resets_dropped;
    } else {
      resets_.push_back(PendingReset{dst, src, *rst});
    }
  }
  return std::nullopt;
}

void Endpoint::on_timer(Instant now) {
  for (auto& [id, c] : conns_) c.on_timer(now);
}

std::optional<EndpointTransmit> Endpoint::poll_transmit(Instant now, MutByteView buf) {
  while (!resets_.empty()) {
    PendingReset r = resets_.front();
    resets_.pop_front();
    auto n = r.seg.emit(r.src.bytes(), r.dst.bytes(), buf);
    if (!n) continue;
    ++stats_.resets_sent;
    return EndpointTransmit{r.src, r.dst, *n, std::nullopt};
  }
  // Round-robin from the connection after the last one that sent.
  for (int pass = 0; pass < 2; ++pass) {
    auto it = pass == 0 ? conns_.upper_bound(cursor_) : conns_.begin();
    auto end = pass == 0 ? conns_.end() : conns_.upper_bound(cursor_);
    for (; it != end; ++it) {
      if (auto t = it->second.poll_transmit(now, buf)) {
        cursor_ = it->first;
        const FourTuple& tu = it->second.tuple();
        return EndpointTransmit{tu.local_addr, tu.remote_addr, t->len, it->first};
      }
    }
  }
  return std::nullopt;
}

std::optional<Instant> Endpoint::next_timeout() const {
  std::optional<Instant> best;
  for (const auto& [id, c] : conns_) {
    auto t = c.next_timeout();
    if (t && (!best || *t < *best)) best = t;
  }
  return best;
}

std::optional<ConnectionId> Endpoint::poll_accept() {
  while (!accepted_.empty()) {
    ConnectionId id = accepted_.front();
    accepted_.pop_front();
    if (conns_.count(id)) return id;
  }
  return std::nullopt;
}

Connection* Endpoint::get(ConnectionId id) {
  auto it = conns_.find(id);
  return it == conns_.end() ? nullptr : &it->second;
}

void Endpoint::remove(ConnectionId id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  by_tuple_.erase(key_of(it->second.tuple()));
  conns_.erase(it);
}

}  // namespace proto::tcp
