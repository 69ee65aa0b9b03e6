// Keeps the forwarding sysctls of the packet-path recipe in force (packet-path §5.8):
// changing net.ipv4.ip_forward rewrites conf.*.forwarding on every interface, and writing
// net.ipv6.conf.all.forwarding=0 clears every force_forwarding, which silently cuts tund off.
//
// Two triggers, one action: an rtnetlink socket subscribed to RTNLGRP_IPV4_NETCONF and
// RTNLGRP_IPV6_NETCONF wakes the check as soon as a forwarding value changes, and a timer
// re-checks every `period` (force_forwarding and ip_local_reserved_ports send no netconf
// notification). The check is Routing::reassert_sysctls(): every value tund set and someone
// changed is written back, with a rate-limited warning naming the key.
//
// Ownership/threading: owns the netlink socket; runs on the daemon's io_context; Routing
// must outlive it. The socket needs no privileges to open; writing the sysctls needs
// CAP_NET_ADMIN (kept by the privilege drop).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

#include "tund/deadline_timer.h"
#include "tund/log.h"
#include "tund/routing/routing.h"
#include "tund/sys_error.h"

namespace tund {

struct SysctlWatchStats {
  uint64_t checks = 0;
  uint64_t reapplied = 0;  // values written back
  uint64_t errors = 0;
};

class SysctlWatch {
 public:
  // Opens and subscribes the netconf socket (Netlink on failure).
  static SysResult<int> open_netconf_socket();

  // Takes ownership of `netconf_fd`; start() begins watching.
  SysctlWatch(boost::asio::io_context& io, int netconf_fd, routing::Routing& routing,
              std::chrono::milliseconds period = std::chrono::seconds(2));
  void start();
  void stop();
  // One check now (also what both triggers call).
  void check();
  const SysctlWatchStats& stats() const { return stats_; }

 private:
  void wait_netconf();
  void wait_timer();

  boost::asio::posix::stream_descriptor netconf_;
  boost::asio::steady_timer timer_;
  routing::Routing& routing_;
  std::chrono::milliseconds period_;
  SysctlWatchStats stats_;
  LoopClock clock_;  // for the warning rate limit
  RateLimit warn_limit_;
  bool stopped_ = false;
};

}  // namespace tund
