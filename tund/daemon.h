// tund's event loop: one boost::asio::io_context on one thread, driving
//   - the TUN fd (readiness waits; up to kReadBudget packets per wake-up, parsed with
//     proto::ip::parse_tcp and handed to PacketHandler::on_packet),
//   - the raw ICMP/ICMPv6 sockets (decoded, checked against our addresses and ports, handed
//     to PacketHandler::on_icmp),
//   - one timer re-armed from PacketHandler::next_timeout() after every wake-up,
//   - the sysctl watch (tund/sysctl_watch.h),
//   - signals: SIGINT/SIGTERM stop the loop (the caller then tears down routing and closes
//     the TUN); SIGHUP calls the reload hook (main re-reads the log level, nothing else);
//     SIGUSR1 writes the stats file.
// The control socket server is another user of io() and calls reschedule() after it has
// changed connection state.
//
// Time: steady_clock is read once per wake-up and passed to the handler as proto::Instant
// (microseconds since the daemon started).
//
// Ownership: Daemon borrows the TUN, Routing and ICMP sockets (they outlive it) and owns the
// asio descriptor wrappers, which it releases (without closing) on destruction.
// Threading: everything, including PacketSink::send_packet, is called on the loop thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "proto/common/bytes.h"
#include "tund/deadline_timer.h"
#include "tund/icmp/icmp_receiver.h"
#include "tund/log.h"
#include "tund/packet_handler.h"
#include "tund/routing/routing.h"
#include "tund/stats.h"
#include "tund/sysctl_watch.h"
#include "tund/tun/device.h"

namespace tund {

struct DaemonOptions {
  std::optional<std::string> stats_file;  // SIGUSR1 and exit write it
  std::function<void()> on_reload;        // SIGHUP; may be empty (then SIGHUP is ignored)
  int netconf_fd = -1;                    // from SysctlWatch::open_netconf_socket(); -1: timer only
  std::function<std::string()> extra_stats;  // more "name value" lines for the stats file
};

class Daemon final : public PacketSink {
 public:
  static constexpr size_t kReadBudget = 64;  // packets per TUN wake-up, so ICMP/timers/control get turns

  Daemon(tun::TunDevice& tun, routing::Routing& routing, icmp::IcmpSockets& icmp, DaemonOptions options);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  boost::asio::io_context& io() { return io_; }

  // Runs until SIGINT/SIGTERM or stop(). The handler must outlive the call.
  void run(PacketHandler& handler);
  void stop();
  // Re-arms the timer from handler.next_timeout(); for inputs the daemon did not deliver.
  void reschedule();

  bool send_packet(proto::ByteView packet) override;

  const LoopClock& clock() const { return clock_; }

  const DaemonStats& stats();  // refreshes the sysctl counters first
  void write_stats();          // to options.stats_file, if set; failures are logged

 private:
  void wait_tun();
  void on_tun_readable();
  void wait_icmp(proto::ip::Family family);
  void on_icmp_readable(proto::ip::Family family);
  void wait_signals();
  void on_timer_expired(proto::Instant now);

  boost::asio::io_context io_;
  tun::TunDevice& tun_;
  routing::Routing& routing_;
  icmp::IcmpSockets& icmp_;
  DaemonOptions options_;
  LoopClock clock_;
  boost::asio::posix::stream_descriptor tun_desc_;
  std::optional<boost::asio::posix::stream_descriptor> icmp4_desc_, icmp6_desc_;
  boost::asio::signal_set signals_;
  DeadlineTimer timer_;
  std::optional<SysctlWatch> sysctl_watch_;
  PacketHandler* handler_ = nullptr;
  icmp::IcmpFilter icmp_filter_;
  DaemonStats stats_;
  std::vector<uint8_t> read_buf_;
  RateLimit tun_warn_, icmp_warn_;
};

}  // namespace tund
