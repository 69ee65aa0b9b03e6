#include "tund/conn_table/tcp_stack.h"

#include <algorithm>

#include "proto/tcp/segment.h"

namespace tund::conn_table {

namespace {
constexpr size_t kMaxIpHeader = proto::ip::kIpv6HeaderLen;
constexpr size_t kMaxSegment = 65535;
}  // namespace

TcpStack::TcpStack(const TcpStackConfig& config, PacketSink& sink)
    : cache_(config.cache ? std::make_unique<proto::tcpcrypt::SessionCache>(*config.cache) : nullptr),
      endpoint_(std::make_unique<proto::tcpinc::SecureEndpoint>(config.endpoint, rng_, cache_.get())),
      sink_(sink),
      out_(kMaxIpHeader + kMaxSegment) {}

std::optional<proto::tcp::ConnectionId> TcpStack::on_packet(const proto::ip::IpPacket& packet,
                                                             proto::Instant now) {
  return endpoint_->on_segment(packet.payload, packet.src, packet.dst, now);
}

void TcpStack::on_timer(proto::Instant now) {
  endpoint_->on_timer(now);
  if (cache_) cache_->expire(now);
}

std::optional<proto::Instant> TcpStack::next_timeout() const {
  auto t = endpoint_->next_timeout();
  if (auto e = cache_ ? cache_->next_expiry() : std::nullopt; e && (!t || *e < *t)) t = e;
  return t;
}

void TcpStack::transmit(proto::Instant now) {
  for (;;) {
    // The segment is written after the largest IP header; its own header goes right before it.
    proto::MutByteView seg_room(out_.data() + kMaxIpHeader, out_.size() - kMaxIpHeader);
    auto t = endpoint_->poll_transmit(now, seg_room);
    if (!t) return;
    const size_t hlen = proto::ip::header_len(t->src.family());
    uint8_t* start = out_.data() + kMaxIpHeader - hlen;
    auto h = proto::ip::emit_tcp_header(proto::MutByteView(start, hlen), t->src, t->dst, t->len,
                                        proto::ip::kDefaultTtl, ident_++);
    if (!h) {
      ++stats_.segments_dropped;
      continue;
    }
    ++stats_.segments_out;
    if (!sink_.send_packet(proto::ByteView(start, hlen + t->len))) ++stats_.segments_dropped;
  }
}

}  // namespace tund::conn_table
