// Demultiplexes the TCP segments of one host over many connections: a listen table,
// passive opens (a Connection per accepted SYN, bounded), lookup by 4-tuple, and a RST
// for segments that belong to nothing (RFC 9293 §3.10.7.1). Sans-IO like Connection:
// inputs carry `now`, outputs are polled. Single owner, not thread-safe.
//
// Polling contract, after any input (on_segment, on_timer, connect, or any call on a
// Connection obtained from get()): drain poll_transmit(), poll_accept() and each
// connection's poll_event(), then re-arm from next_timeout(). Connections stay in the
// table until remove(), so that a CLOSED connection keeps answering with RSTs until the
// owner has seen its Closed event; TIME-WAIT is held by the connection itself.
// Not done here: SYN cookies, RFC 6191 TIME-WAIT reuse (a SYN hitting a TIME-WAIT
// connection gets its challenge ACK), per-address listeners (a port listens on every
// local address).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "crypto/secure.h"
#include "proto/common/result.h"
#include "proto/tcp/connection.h"

namespace proto::tcp {

using ConnectionId = uint64_t;

struct EndpointConfig {
  Config connection;  // for every connection; its isn_secret is copied and kept
  size_t max_connections = 4096;
  size_t max_pending_resets = 64;  // stateless RSTs queued at most; more are dropped
};

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

class Endpoint {
 public:
  explicit Endpoint(const EndpointConfig& cfg);

  // Called for every new connection (active, or passive before its SYN is processed),
  // so that a layer above (TCP-ENO) sees the SYN's options and reaches the SYN or
  // SYN-ACK. Returns the hook for it (not owned; nullptr for none).
  using HookFactory = std::function<OptionHook*(ConnectionId, const FourTuple&)>;
  void set_hook_factory(HookFactory f) { hook_factory_ = std::move(f); }

  void listen(uint16_t port) { listening_.insert(port); }
  // Existing connections are not affected; new SYNs to the port get RSTs.
  void unlisten(uint16_t port) { listening_.erase(port); }

  // Active open. Fails with InvalidState if the 4-tuple is in use, TooLong if full.
  Result<ConnectionId> connect(const FourTuple& tuple, Instant now);

  // A received TCP segment (the IP payload) and its IP source and destination.
  // Returns the connection it was given to (possibly a new passive one), if any.
  std::optional<ConnectionId> on_segment(ByteView segment, const IpAddress& src,
                                         const IpAddress& dst, Instant now);
  void on_timer(Instant now);

  std::optional<EndpointTransmit> poll_transmit(Instant now, MutByteView buf);
  std::optional<Instant> next_timeout() const;  // O(connections)
  // Passive connections created by accepted SYNs, in arrival order.
  std::optional<ConnectionId> poll_accept();

  // nullptr if unknown (or removed).
  Connection* get(ConnectionId id);
  void remove(ConnectionId id);
  size_t size() const { return conns_.size(); }
  const EndpointStats& stats() const { return stats_; }

 private:
  using Key = std::array<uint8_t, 38>;  // local addr, port, remote addr, port, lengths
  static Key key_of(const FourTuple& t);
  Config connection_config() const;
  ConnectionId add(Connection conn);

  EndpointConfig cfg_;
  crypto::SecretBytes isn_secret_;
  std::set<uint16_t> listening_;
  std::map<ConnectionId, Connection> conns_;
  std::map<Key, ConnectionId> by_tuple_;
  std::deque<ConnectionId> accepted_;
  struct PendingReset {
    IpAddress src, dst;
    SegmentRepr seg;
  };
  std::deque<PendingReset> resets_;
  HookFactory hook_factory_;
  ConnectionId next_id_ = 1;
  ConnectionId cursor_ = 0;  // round-robin position for poll_transmit
  EndpointStats stats_;
};

}  // namespace proto::tcp
