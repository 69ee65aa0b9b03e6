// The SecureConnection counterpart of tcp::Endpoint (endpoint.h): one host's TCP-ENO +
// tcpcrypt connections, demultiplexed by 4-tuple, with a listen table, bounded passive
// opens, and stateless RSTs for segments that belong to nothing (RFC 9293 §3.10.7.1).
// The logic is tcp::BasicEndpoint's (basic_endpoint.h). This is what tund's connection
// table drives. Sans-IO; single owner, not thread-safe.
//
// Polling contract, after any input (on_segment, on_timer, connect, or a call on a
// connection from get()): drain poll_transmit(), poll_accept() and each connection's
// poll_event(), then re-arm from next_timeout(). Connections stay until remove().
// The RandomSource and the SessionCache (one per host, shared by all its connections and
// keyed by peer IP address) are borrowed and must outlive the endpoint.
#pragma once

#include <functional>
#include <map>

#include "crypto/random.h"
#include "crypto/secure.h"
#include "proto/tcp/basic_endpoint.h"
#include "proto/tcpinc/secure_connection.h"

namespace proto::tcpinc {

using tcp::ConnectionId;

struct SecureEndpointConfig {
  Config connection;  // for every connection; its tcp.isn_secret is copied and kept
  size_t max_connections = 4096;
  size_t max_pending_resets = 64;
  // ENO-28: asked at every open; its answer replaces Config::randomness_ready, so a
  // listener started before the RNG was seeded negotiates once it is (tund passes
  // crypto::system_random_ready). Empty: Config::randomness_ready as given.
  std::function<bool()> randomness_ready;
};

// SecureEndpoint's BasicEndpoint factory: SecureConnections that share the endpoint's ISN
// secret (kept here), RandomSource and SessionCache (both borrowed).
class SecureConnectionFactory {
 public:
  SecureConnectionFactory(const Config& cfg, crypto::RandomSource& rng,
                          tcpcrypt::SessionCache* cache, std::function<bool()> randomness_ready = {});

  // Active open with `cfg`, whose tcp.isn_secret is replaced by the endpoint's.
  SecureConnection connect(const tcp::FourTuple& tuple, const Config& cfg, Instant now) const;
  // Passive open with the config set for the local port (set_listen_config), else the
  // endpoint's.
  SecureConnection accept(ConnectionId id, const tcp::FourTuple& tuple, Instant now) const;
  const Config& config() const { return cfg_; }
  void set_listen_config(uint16_t port, const Config& cfg);
  void clear_listen_config(uint16_t port) { listen_cfgs_.erase(port); }

 private:
  Config with_secret(Config c) const;  // and the randomness probe's answer

  Config cfg_;
  std::map<uint16_t, Config> listen_cfgs_;  // isn_secret cleared, as cfg_'s
  crypto::SecretBytes isn_secret_;
  crypto::RandomSource* rng_;
  tcpcrypt::SessionCache* cache_;
  std::function<bool()> randomness_ready_;
};

class SecureEndpoint : public tcp::BasicEndpoint<SecureConnection, SecureConnectionFactory> {
 public:
  SecureEndpoint(const SecureEndpointConfig& cfg, crypto::RandomSource& rng,
                 tcpcrypt::SessionCache* cache);

  // Active open with the endpoint's config, or with `cfg` (e.g. per-socket mode, TEPs).
  // InvalidState if the 4-tuple is in use, TooLong if the table is full.
  Result<ConnectionId> connect(const tcp::FourTuple& tuple, Instant now);
  Result<ConnectionId> connect(const tcp::FourTuple& tuple, const Config& cfg, Instant now);
  // Listen on `port` with `cfg` for the connections it accepts (e.g. per-listener mode).
  void listen(uint16_t port, const Config& cfg);
  void unlisten(uint16_t port);
  using BasicEndpoint::listen;
  // The endpoint's connection config (its isn_secret is empty).
  const Config& factory_config() const { return factory().config(); }

  // Inherited from tcp::BasicEndpoint: listen(port), on_segment, on_timer,
  // poll_transmit, next_timeout, poll_accept, get, remove, size, stats.
};

}  // namespace proto::tcpinc
