// The one place where tund creates and drives its TCP: a proto::tcpinc::SecureEndpoint
// (TCP + TCP-ENO + tcpcrypt, sans-IO) plus the IP framing between it and the TUN, the
// system RNG and the per-host resumption cache it borrows.
//
// Received: the IP packet the daemon parsed → SecureEndpoint::on_segment. Transmitted:
// every segment from poll_transmit gets an IP header (proto/ip emit) and goes to the
// PacketSink; a dropped packet (TUN full) is left to TCP's retransmission, like link loss.
// Resumption secrets (RFC 8548 §3.5) live only in the cache here: erased when they expire
// (on_timer, next_timeout), when a peer's entries are flushed, and when the stack is
// destroyed. With resumption off there is no cache at all: no state about peers.
// Threading: io thread only; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "crypto/random.h"
#include "proto/ip/packet.h"
#include "proto/tcpcrypt/session_cache.h"
#include "proto/tcpinc/secure_endpoint.h"
#include "tund/packet_handler.h"

namespace tund::conn_table {

struct TcpStackConfig {
  proto::tcpinc::SecureEndpointConfig endpoint;  // defaults of every connection
  std::optional<proto::tcpcrypt::CacheConfig> cache;  // nullopt: resumption off
};

struct TcpStackStats {
  uint64_t segments_out = 0;
  uint64_t segments_dropped = 0;  // PacketSink refused (TUN queue full)
};

class TcpStack {
 public:
  TcpStack(const TcpStackConfig& config, PacketSink& sink);

  proto::tcpinc::SecureEndpoint& endpoint() { return *endpoint_; }
  const proto::tcpinc::SecureEndpoint& endpoint() const { return *endpoint_; }
  // The defaults of every connection (a copy carries no ISN secret).
  const proto::tcpinc::Config& defaults() const { return endpoint_->factory_config(); }

  // Hands the segment to the endpoint; returns the connection it reached, if any.
  std::optional<proto::tcp::ConnectionId> on_packet(const proto::ip::IpPacket& packet,
                                                     proto::Instant now);
  // Timers of every connection and of the resumption cache.
  void on_timer(proto::Instant now);
  std::optional<proto::Instant> next_timeout() const;
  // Sends every segment the endpoint has ready.
  void transmit(proto::Instant now);

  size_t cached_secrets() const { return cache_ ? cache_->size() : 0; }
  const TcpStackStats& stats() const { return stats_; }

 private:
  crypto::SystemRandom rng_;
  std::unique_ptr<proto::tcpcrypt::SessionCache> cache_;  // null: resumption off
  std::unique_ptr<proto::tcpinc::SecureEndpoint> endpoint_;  // borrows rng_ and cache_
  PacketSink& sink_;
  std::vector<uint8_t> out_;  // IP header room + the largest segment
  uint16_t ident_ = 0;
  TcpStackStats stats_;
};

}  // namespace tund::conn_table
