// Demultiplexes the TCP segments of one host over many connections: a listen table,
// passive opens (a Connection per accepted SYN, bounded), lookup by 4-tuple, and a RST
// for segments that belong to nothing (RFC 9293 §3.10.7.1); the logic is BasicEndpoint's
// (basic_endpoint.h). Sans-IO like Connection: inputs carry `now`, outputs are polled.
// Single owner, not thread-safe.
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

#include <functional>

#include "crypto/secure.h"
#include "proto/common/result.h"
#include "proto/tcp/basic_endpoint.h"
#include "proto/tcp/connection.h"

namespace proto::tcp {

struct EndpointConfig {
  Config connection;  // for every connection; its isn_secret is copied and kept
  size_t max_connections = 4096;
  size_t max_pending_resets = 64;  // stateless RSTs queued at most; more are dropped
};

// Endpoint's BasicEndpoint factory: Connections from one Config whose ISN secret it keeps,
// each given the option hook of the layer above.
class ConnectionFactory {
 public:
  // Called for every new connection (active, or passive before its SYN is processed),
  // so that a layer above (TCP-ENO) sees the SYN's options and reaches the SYN or
  // SYN-ACK. Returns the hook for it (not owned; nullptr for none).
  using HookFactory = std::function<OptionHook*(ConnectionId, const FourTuple&)>;

  explicit ConnectionFactory(const Config& cfg);

  Connection connect(ConnectionId id, const FourTuple& tuple, Instant now) const;
  Connection accept(ConnectionId id, const FourTuple& tuple, Instant now) const;

  HookFactory hooks;

 private:
  Config config() const;
  Connection hooked(ConnectionId id, Connection conn) const;

  Config cfg_;
  crypto::SecretBytes isn_secret_;
};

class Endpoint : public BasicEndpoint<Connection, ConnectionFactory> {
 public:
  explicit Endpoint(const EndpointConfig& cfg);

  using HookFactory = ConnectionFactory::HookFactory;
  void set_hook_factory(HookFactory f) { factory().hooks = std::move(f); }

  // Active open. Fails with InvalidState if the 4-tuple is in use, TooLong if full.
  Result<ConnectionId> connect(const FourTuple& tuple, Instant now);

  // Inherited from BasicEndpoint: listen, unlisten, on_segment, on_timer, poll_transmit,
  // next_timeout, poll_accept, get, remove, size, stats.
};

}  // namespace proto::tcp
