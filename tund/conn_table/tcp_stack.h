// The one place where tund creates and drives its TCP: a proto::tcp::Endpoint plus the IP
// framing between it and the TUN. The ENO/tcpcrypt layer (proto/tcpinc) replaces what is
// inside this class; the connection table above it only uses the Endpoint/Connection API.
//
// Received: the IP packet the daemon parsed → Endpoint::on_segment. Transmitted: every
// segment from Endpoint::poll_transmit gets an IP header (proto/ip emit) and goes to the
// PacketSink; a dropped packet (TUN full) is left to TCP's retransmission, like link loss.
// Threading: io thread only; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "proto/ip/packet.h"
#include "proto/tcp/endpoint.h"
#include "tund/packet_handler.h"

namespace tund::conn_table {

struct TcpStackStats {
  uint64_t segments_out = 0;
  uint64_t segments_dropped = 0;  // PacketSink refused (TUN queue full)
};

class TcpStack {
 public:
  TcpStack(const proto::tcp::EndpointConfig& config, PacketSink& sink);

  proto::tcp::Endpoint& endpoint() { return endpoint_; }
  const proto::tcp::Endpoint& endpoint() const { return endpoint_; }

  // Hands the segment to the endpoint; returns the connection it reached, if any.
  std::optional<proto::tcp::ConnectionId> on_packet(const proto::ip::IpPacket& packet,
                                                     proto::Instant now);
  // Sends every segment the endpoint has ready.
  void transmit(proto::Instant now);

  const TcpStackStats& stats() const { return stats_; }

 private:
  proto::tcp::Endpoint endpoint_;
  PacketSink& sink_;
  std::vector<uint8_t> out_;  // IP header room + the largest segment
  uint16_t ident_ = 0;
  TcpStackStats stats_;
};

}  // namespace tund::conn_table
