#include "tund/drop_handler.h"

#include <spdlog/spdlog.h>

#include "proto/common/bytes.h"

namespace tund {

void DropHandler::on_packet(const proto::ip::IpPacket& packet, proto::Instant) {
  ++packets_;
  if (!spdlog::should_log(spdlog::level::debug)) return;
  const auto& p = packet.payload;
  const uint16_t sport = p.size() >= 4 ? proto::load_be16(p, 0) : 0;
  const uint16_t dport = p.size() >= 4 ? proto::load_be16(p, 2) : 0;
  const unsigned flags = p.size() >= 14 ? p[13] : 0;
  spdlog::debug("drop TCP {} -> {} flags {:#04x} len {} (no connection table yet)",
                proto::ip::Endpoint{packet.src, sport}.to_string(), proto::ip::Endpoint{packet.dst, dport}.to_string(),
                flags, p.size());
}

void DropHandler::on_icmp(const proto::ip::IcmpError& error, proto::Instant) {
  ++icmp_errors_;
  spdlog::debug("ICMP {} for {} -> {} seq {} mtu {} (no connection table yet)",
                proto::ip::icmp_error_kind_name(error.kind), error.local.to_string(), error.remote.to_string(),
                error.seq, error.mtu);
}

}  // namespace tund
