#include "proto/tcpinc/secure_endpoint.h"

namespace proto::tcpinc {

SecureConnectionFactory::SecureConnectionFactory(const Config& cfg, crypto::RandomSource& rng,
                                                 tcpcrypt::SessionCache* cache,
                                                 std::function<bool()> randomness_ready)
    : cfg_(cfg),
      isn_secret_(cfg.tcp.isn_secret),
      rng_(&rng),
      cache_(cache),
      randomness_ready_(std::move(randomness_ready)) {
  cfg_.tcp.isn_secret = {};
}

Config SecureConnectionFactory::with_secret(Config c) const {
  c.tcp.isn_secret = isn_secret_.view();
  if (randomness_ready_) c.randomness_ready = randomness_ready_();
  return c;
}

SecureConnection SecureConnectionFactory::connect(const tcp::FourTuple& tuple, const Config& cfg,
                                                  Instant now) const {
  return SecureConnection::connect(with_secret(cfg), tuple, *rng_, cache_, now);
}

SecureConnection SecureConnectionFactory::accept(ConnectionId, const tcp::FourTuple& tuple,
                                                 Instant now) const {
  auto it = listen_cfgs_.find(tuple.local_port);
  const Config& cfg = it == listen_cfgs_.end() ? cfg_ : it->second;
  return SecureConnection::listen(with_secret(cfg), tuple, *rng_, cache_, now);
}

void SecureConnectionFactory::set_listen_config(uint16_t port, const Config& cfg) {
  Config c = cfg;
  c.tcp.isn_secret = {};
  listen_cfgs_.insert_or_assign(port, std::move(c));
}

SecureEndpoint::SecureEndpoint(const SecureEndpointConfig& cfg, crypto::RandomSource& rng,
                               tcpcrypt::SessionCache* cache)
    : BasicEndpoint({cfg.max_connections, cfg.max_pending_resets},
                    SecureConnectionFactory(cfg.connection, rng, cache, cfg.randomness_ready)) {}

Result<ConnectionId> SecureEndpoint::connect(const tcp::FourTuple& tuple, Instant now) {
  return connect(tuple, factory().config(), now);
}

Result<ConnectionId> SecureEndpoint::connect(const tcp::FourTuple& tuple, const Config& cfg,
                                             Instant now) {
  return open(tuple, [&](ConnectionId) { return factory().connect(tuple, cfg, now); });
}

void SecureEndpoint::listen(uint16_t port, const Config& cfg) {
  factory().set_listen_config(port, cfg);
  BasicEndpoint::listen(port);
}

void SecureEndpoint::unlisten(uint16_t port) {
  factory().clear_listen_config(port);
  BasicEndpoint::unlisten(port);
}

}  // namespace proto::tcpinc
