#include "proto/tcp/endpoint.h"

namespace proto::tcp {

ConnectionFactory::ConnectionFactory(const Config& cfg)
    : cfg_(cfg), isn_secret_(cfg.isn_secret) {
  cfg_.isn_secret = {};
}

Config ConnectionFactory::config() const {
  Config c = cfg_;
  c.isn_secret = isn_secret_.view();
  return c;
}

Connection ConnectionFactory::hooked(ConnectionId id, Connection conn) const {
  if (hooks) conn.set_option_hook(hooks(id, conn.tuple()));
  return conn;
}

Connection ConnectionFactory::connect(ConnectionId id, const FourTuple& tuple,
                                      Instant now) const {
  return hooked(id, Connection::connect(config(), tuple, now));
}

Connection ConnectionFactory::accept(ConnectionId id, const FourTuple& tuple,
                                     Instant now) const {
  return hooked(id, Connection::listen(config(), tuple, now));
}

Endpoint::Endpoint(const EndpointConfig& cfg)
    : BasicEndpoint({cfg.max_connections, cfg.max_pending_resets},
                    ConnectionFactory(cfg.connection)) {}

Result<ConnectionId> Endpoint::connect(const FourTuple& tuple, Instant now) {
  return open(tuple, [&](ConnectionId id) { return factory().connect(id, tuple, now); });
}

}  // namespace proto::tcp
