// Counters of the daemon shell, for the status query and the --stats-file. Plain integers
// owned by the single event-loop thread; a reader on that thread copies the struct.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tund/icmp/icmp_receiver.h"
#include "tund/sys_error.h"
#include "tund/sysctl_watch.h"

namespace tund {

struct DaemonStats {
  // TUN input.
  uint64_t tun_rx_packets = 0;
  uint64_t tun_rx_bytes = 0;
  uint64_t tun_rx_malformed = 0;  // IP parse errors (truncated, bad checksum, fragments...)
  uint64_t tun_rx_not_tcp = 0;    // e.g. IPv6 router solicitations the kernel sends on the TUN
  uint64_t tcp_packets_in = 0;    // handed to PacketHandler::on_packet
  // TUN output.
  uint64_t tun_tx_packets = 0;
  uint64_t tun_tx_bytes = 0;
  uint64_t tun_tx_eagain = 0;  // TUN queue full: dropped
  uint64_t tun_tx_errors = 0;
  // ICMP.
  uint64_t icmp_rx = 0;
  uint64_t icmp_delivered = 0;  // handed to PacketHandler::on_icmp
  std::array<uint64_t, size_t(icmp::IcmpDrop::Count)> icmp_dropped{};
  // Loop.
  uint64_t wakeups = 0;
  uint64_t timer_fires = 0;
  SysctlWatchStats sysctl;

  // "name value" lines, one counter each.
  std::string to_text() const;
};

// Writes to path.tmp, then renames it over path: readers never see a partial file.
// `extra` (other components' "name value" lines) is appended.
SysStatus write_stats_file(const std::string& path, const DaemonStats& stats, const std::string& extra = {});

}  // namespace tund
