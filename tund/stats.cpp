#include "tund/stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace tund {

std::string DaemonStats::to_text() const {
  std::string out;
  auto line = [&out](const std::string& name, uint64_t v) { out += name + " " + std::to_string(v) + "\n"; };
  line("tun_rx_packets", tun_rx_packets);
  line("tun_rx_bytes", tun_rx_bytes);
  line("tun_rx_malformed", tun_rx_malformed);
  line("tun_rx_not_tcp", tun_rx_not_tcp);
  line("tcp_packets_in", tcp_packets_in);
  line("tun_tx_packets", tun_tx_packets);
  line("tun_tx_bytes", tun_tx_bytes);
  line("tun_tx_eagain", tun_tx_eagain);
  line("tun_tx_errors", tun_tx_errors);
  line("icmp_rx", icmp_rx);
  line("icmp_delivered", icmp_delivered);
  for (size_t i = 0; i < icmp_dropped.size(); ++i)
    line(std::string("icmp_dropped_") + icmp::icmp_drop_name(icmp::IcmpDrop(i)), icmp_dropped[i]);
  line("wakeups", wakeups);
  line("timer_fires", timer_fires);
  line("sysctl_checks", sysctl.checks);
  line("sysctl_reapplied", sysctl.reapplied);
  line("sysctl_errors", sysctl.errors);
  return out;
}

SysStatus write_stats_file(const std::string& path, const DaemonStats& stats, const std::string& extra) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return sys_fail(SysErrc::StatsFile, errno, "open stats file");
  const std::string text = stats.to_text() + extra;
  ssize_t n = ::write(fd, text.data(), text.size());
  int saved = errno;
  ::close(fd);
  if (n != ssize_t(text.size())) return sys_fail(SysErrc::StatsFile, n < 0 ? saved : EIO, "write stats file");
  if (std::rename(tmp.c_str(), path.c_str()) < 0) return sys_fail(SysErrc::StatsFile, errno, "rename stats file");
  return {};
}

}  // namespace tund
