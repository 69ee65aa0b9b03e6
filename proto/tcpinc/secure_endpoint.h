// The SecureConnection counterpart of tcp::Endpoint (endpoint.h): one host's TCP-ENO +
// tcpcrypt connections, demultiplexed by 4-tuple, with a listen table, bounded passive
// opens, and stateless RSTs for segments that belong to nothing (RFC 9293 §3.10.7.1).
// This is what tund's connection table drives. Sans-IO; single owner, not thread-safe.
//
// Polling contract, after any input (on_segment, on_timer, connect, or a call on a
// connection from get()): drain poll_transmit(), poll_accept() and each connection's
// poll_event(), then re-arm from next_timeout(). Connections stay until remove().
// The RandomSource and the SessionCache (one per host, shared by all its connections and
// keyed by peer IP address) are borrowed and must outlive the endpoint.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>

#include "crypto/secure.h"
#include "proto/tcp/endpoint.h"
#include "proto/tcpinc/secure_connection.h"

namespace proto::tcpinc {

using tcp::ConnectionId;

struct SecureEndpointConfig {
  Config connection;  // for every connection; its tcp.isn_secret is copied and kept
  size_t max_connections = 4096;
  size_t max_pending_resets = 64;
};

class SecureEndpoint {
 public:
  SecureEndpoint(const SecureEndpointConfig& cfg, crypto::RandomSource& rng,
                 tcpcrypt::SessionCache* cache);

  void listen(uint16_t port) { listening_.insert(port); }
  void unlisten(uint16_t port) { listening_.erase(port); }

  // Active open with the endpoint's config, or with `cfg` (e.g. per-socket mode, TEPs).
  // InvalidState if the 4-tuple is in use, TooLong if the table is full.
  Result<ConnectionId> connect(const tcp::FourTuple& tuple, Instant now);
  Result<ConnectionId> connect(const tcp::FourTuple& tuple, const Config& cfg, Instant now);

  // A received TCP segment with its IP addresses; returns the connection it went to.
  std::optional<ConnectionId> on_segment(ByteView segment, const tcp::IpAddress& src,
                                         const tcp::IpAddress& dst, Instant now);
  void on_timer(Instant now);

  std::optional<tcp::EndpointTransmit> poll_transmit(Instant now, MutByteView buf);
  std::optional<Instant> next_timeout() const;  // O(connections)
  std::optional<ConnectionId> poll_accept();

  SecureConnection* get(ConnectionId id);
  void remove(ConnectionId id);
  size_t size() const { return conns_.size(); }
  const tcp::EndpointStats& stats() const { return stats_; }

 private:
  Config with_secret(Config c) const;
  ConnectionId add(SecureConnection conn);
  static Bytes key_of(const tcp::FourTuple& t);

  SecureEndpointConfig cfg_;
  crypto::SecretBytes isn_secret_;
  crypto::RandomSource& rng_;
  tcpcrypt::SessionCache* cache_;
  std::set<uint16_t> listening_;
  std::map<ConnectionId, SecureConnection> conns_;
  std::map<Bytes, ConnectionId> by_tuple_;
  std::deque<ConnectionId> accepted_;
  struct PendingReset {
    tcp::IpAddress src, dst;
    tcp::SegmentRepr seg;
  };
  std::deque<PendingReset> resets_;
  ConnectionId next_id_ = 1;
  ConnectionId cursor_ = 0;
  tcp::EndpointStats stats_;
};

}  // namespace proto::tcpinc
