#include "proto/tcpinc/secure_endpoint.h"

namespace proto::tcpinc {

SecureConnectionFactory::SecureConnectionFactory(const Config& cfg, crypto::RandomSource& rng,
                                                 tcpcrypt::SessionCache* cache)
    : cfg_(cfg), isn_secret_(cfg.tcp.isn_secret), rng_(&rng), cache_(cache) {
  cfg_.tcp.isn_secret = {};
}

Config SecureConnectionFactory::with_secret(Config c) const {
  c.tcp.isn_secret = isn_secret_.view();
  return c;
}

SecureConnection SecureConnectionFactory::connect(const tcp::FourTuple& tuple, const Config& cfg,
                                                  Instant now) const {
  return SecureConnection::connect(with_secret(cfg), tuple, *rng_, cache_, now);
}

SecureConnection SecureConnectionFactory::accept(ConnectionId, const tcp::FourTuple& tuple,
                                                 Instant now) const {
  return SecureConnection::listen(with_secret(cfg_), tuple, *rng_, cache_, now);
}

SecureEndpoint::SecureEndpoint(const SecureEndpointConfig& cfg, crypto::RandomSource& rng,
                               tcpcrypt::SessionCache* cache)
    : BasicEndpoint({cfg.max_connections, cfg.max_pending_resets},
                    SecureConnectionFactory(cfg.connection, rng, cache)) {}

Result<ConnectionId> SecureEndpoint::connect(const tcp::FourTuple& tuple, Instant now) {
  return connect(tuple, factory().config(), now);
}

Result<ConnectionId> SecureEndpoint::connect(const tcp::FourTuple& tuple, const Config& cfg,
                                             Instant now) {
  return open(tuple, [&](ConnectionId) { return factory().connect(tuple, cfg, now); });
}

}  // namespace proto::tcpinc
