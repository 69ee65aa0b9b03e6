// The one demultiplexer behind tcp::Endpoint (endpoint.h) and tcpinc::SecureEndpoint: a
// listen table, passive opens (one connection per accepted SYN, bounded), lookup by
// 4-tuple, a RST for segments that belong to nothing (RFC 9293 §3.10.7.1), round-robin
// transmit polling and timers. Sans-IO: inputs carry `now`, outputs are polled. Single
// owner, not thread-safe.
//
// `Conn` is the connection type (tcp::Connection, tcpinc::SecureConnection): it needs
// tuple(), on_segment(const SegmentRepr&, Instant), on_timer(Instant),
// poll_transmit(Instant, MutByteView) -> optional<Transmit>, next_timeout().
// `Factory` builds a passive connection for an accepted SYN:
//   Conn accept(ConnectionId id, const FourTuple& tuple, Instant now);
// it is owned by the endpoint (so the endpoint stays movable) and reached by factory().
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "proto/common/result.h"
#include "proto/tcp/connection.h"

namespace proto::tcp {

using ConnectionId = uint64_t;

struct EndpointTransmit {
  IpAddress src;    // IP source address to use
  IpAddress dst;    // IP destination address
  size_t len = 0;   // TCP segment bytes at the start of the caller's buffer
  std::optional<ConnectionId> from;  // nothing for a stateless RST
};

struct EndpointStats {
  uint64_t bad_segments = 0;      // failed parse or checksum
  uint64_t resets_sent = 0;       // stateless RSTs
  uint64_t resets_dropped = 0;    // RST queue full
  uint64_t syns_dropped = 0;      // connection table full
};

struct EndpointLimits {
  size_t max_connections = 4096;
  size_t max_pending_resets = 64;  // stateless RSTs queued at most; more are dropped
};

// Map key of a 4-tuple: local addr, port, remote addr, port, address lengths.
using TupleKey = std::array<uint8_t, 38>;
TupleKey tuple_key(const FourTuple& t);

template <class Conn, class Factory>
class BasicEndpoint {
 public:
  BasicEndpoint(const EndpointLimits& limits, Factory factory)
      : limits_(limits), factory_(std::move(factory)) {}

  void listen(uint16_t port) { listening_.insert(port); }
  // Existing connections are not affected; new SYNs to the port get RSTs.
  void unlisten(uint16_t port) { listening_.erase(port); }

  // A received TCP segment (the IP payload) and its IP source and destination.
  // Returns the connection it was given to (possibly a new passive one), if any.
  std::optional<ConnectionId> on_segment(ByteView segment, const IpAddress& src,
                                         const IpAddress& dst, Instant now);
  void on_timer(Instant now) {
    for (auto& [id, c] : conns_) c.on_timer(now);
  }

  std::optional<EndpointTransmit> poll_transmit(Instant now, MutByteView buf);
  std::optional<Instant> next_timeout() const;  // O(connections)
  // Passive connections created by accepted SYNs, in arrival order.
  std::optional<ConnectionId> poll_accept();

  // nullptr if unknown (or removed).
  Conn* get(ConnectionId id) {
    auto it = conns_.find(id);
    return it == conns_.end() ? nullptr : &it->second;
  }
  void remove(ConnectionId id);
  size_t size() const { return conns_.size(); }
  const EndpointStats& stats() const { return stats_; }

 protected:
  // Active open: `make(id)` builds the connection. Fails with InvalidState if the
  // 4-tuple is in use, TooLong if the table is full (then `make` is not called).
  template <class Make>
  Result<ConnectionId> open(const FourTuple& tuple, Make&& make);

  Factory& factory() { return factory_; }
  const Factory& factory() const { return factory_; }

 private:
  template <class Make>
  ConnectionId add(Make&& make) {
    ConnectionId id = next_id_++;
    Conn conn = make(id);
    by_tuple_[tuple_key(conn.tuple())] = id;
    conns_.emplace(id, std::move(conn));
    return id;
  }

  EndpointLimits limits_;
  Factory factory_;
  std::set<uint16_t> listening_;
  std::map<ConnectionId, Conn> conns_;
  std::map<TupleKey, ConnectionId> by_tuple_;
  std::deque<ConnectionId> accepted_;
  struct PendingReset {
    IpAddress src, dst;
    SegmentRepr seg;
  };
  std::deque<PendingReset> resets_;
  ConnectionId next_id_ = 1;
  ConnectionId cursor_ = 0;  // round-robin position for poll_transmit
  EndpointStats stats_;
};

template <class Conn, class Factory>
template <class Make>
Result<ConnectionId> BasicEndpoint<Conn, Factory>::open(const FourTuple& tuple, Make&& make) {
  if (by_tuple_.count(tuple_key(tuple))) return fail(Errc::InvalidState, "4-tuple in use");
  if (conns_.size() >= limits_.max_connections)
    return fail(Errc::TooLong, "connection table full");
  return add(std::forward<Make>(make));
}

template <class Conn, class Factory>
std::optional<ConnectionId> BasicEndpoint<Conn, Factory>::on_segment(ByteView segment,
                                                                     const IpAddress& src,
                                                                     const IpAddress& dst,
                                                                     Instant now) {
  auto seg = parse_segment(segment, src.bytes(), dst.bytes());
  if (!seg) {
    ++stats_.bad_segments;
    return std::nullopt;
  }
  FourTuple tuple{dst, seg->dst_port, src, seg->src_port};
  if (auto it = by_tuple_.find(tuple_key(tuple)); it != by_tuple_.end()) {
    conns_.at(it->second).on_segment(*seg, now);
    return it->second;
  }
  const bool listening = listening_.count(seg->dst_port) > 0;
  // RFC 9293 §3.10.7.2: a listener takes a SYN (without ACK or RST) and drops a RST.
  if (listening && seg->has(kSyn) && !seg->ack && !seg->has(kRst)) {
    if (conns_.size() >= limits_.max_connections) {
      ++stats_.syns_dropped;
      return std::nullopt;
    }
    ConnectionId id = add([&](ConnectionId new_id) { return factory_.accept(new_id, tuple, now); });
    conns_.at(id).on_segment(*seg, now);
    accepted_.push_back(id);
    return id;
  }
  if (listening && !seg->ack) return std::nullopt;  // LISTEN: no ACK, no RST: drop
  // §3.10.7.1 (no connection) and §3.10.7.2 (LISTEN, ACK): answer with a RST.
  if (auto rst = reset_for(*seg)) {
    if (resets_.size() >= limits_.max_pending_resets) {
      ++stats_.resets_dropped;
    } else {
      resets_.push_back(PendingReset{dst, src, *rst});
    }
  }
  return std::nullopt;
}

template <class Conn, class Factory>
std::optional<EndpointTransmit> BasicEndpoint<Conn, Factory>::poll_transmit(Instant now,
                                                                            MutByteView buf) {
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

template <class Conn, class Factory>
std::optional<Instant> BasicEndpoint<Conn, Factory>::next_timeout() const {
  std::optional<Instant> best;
  for (const auto& [id, c] : conns_) {
    auto t = c.next_timeout();
    if (t && (!best || *t < *best)) best = t;
  }
  return best;
}

template <class Conn, class Factory>
std::optional<ConnectionId> BasicEndpoint<Conn, Factory>::poll_accept() {
  while (!accepted_.empty()) {
    ConnectionId id = accepted_.front();
    accepted_.pop_front();
    if (conns_.count(id)) return id;
  }
  return std::nullopt;
}

template <class Conn, class Factory>
void BasicEndpoint<Conn, Factory>::remove(ConnectionId id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  by_tuple_.erase(tuple_key(it->second.tuple()));
  conns_.erase(it);
}

}  // namespace proto::tcp
