// The PacketHandler used until the connection table exists: counts every packet and ICMP
// error, logs each at debug level, and drops it. tund started with it routes its ports into
// the TUN and answers nothing, so peers see timeouts (never RSTs from the kernel).
#pragma once

#include <cstdint>

#include "tund/packet_handler.h"

namespace tund {

class DropHandler final : public PacketHandler {
 public:
  void on_packet(const proto::ip::IpPacket& packet, proto::Instant now) override;
  void on_icmp(const proto::ip::IcmpError& error, proto::Instant now) override;
  void on_timer(proto::Instant) override {}
  std::optional<proto::Instant> next_timeout() const override { return std::nullopt; }

  uint64_t packets() const { return packets_; }
  uint64_t icmp_errors() const { return icmp_errors_; }

 private:
  uint64_t packets_ = 0;
  uint64_t icmp_errors_ = 0;
};

}  // namespace tund
