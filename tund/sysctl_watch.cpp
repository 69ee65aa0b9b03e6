#include "tund/sysctl_watch.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace tund {

SysResult<int> SysctlWatch::open_netconf_socket() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return sys_fail(SysErrc::Netlink, errno, "netconf socket");
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) < 0) {
    int saved = errno;
    ::close(fd);
    return sys_fail(SysErrc::Netlink, saved, "bind netconf socket");
  }
  for (int group : {RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF}) {
    if (::setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
      int saved = errno;
      ::close(fd);
      return sys_fail(SysErrc::Netlink, saved, "subscribe to netconf notifications");
    }
  }
  return fd;
}

SysctlWatch::SysctlWatch(boost::asio::io_context& io, int netconf_fd, routing::Routing& routing,
                         std::chrono::milliseconds period)
    : netconf_(io, netconf_fd), timer_(io), routing_(routing), period_(period) {}

void SysctlWatch::start() {
  wait_netconf();
  wait_timer();
}

void SysctlWatch::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  netconf_.cancel(ignored);
  timer_.cancel();
}

void SysctlWatch::check() {
  ++stats_.checks;
  auto fixed = routing_.reassert_sysctls();
  if (!fixed) {
    ++stats_.errors;
    warn_limited(warn_limit_, clock_.now(), "cannot re-check sysctls: " + fixed.error().message());
    return;
  }
  for (const auto& key : *fixed) {
    ++stats_.reapplied;
    warn_limited(warn_limit_, clock_.now(), "sysctl " + key + " was changed by someone else; re-applied");
  }
}

void SysctlWatch::wait_netconf() {
  netconf_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    // The content does not matter: any netconf change triggers one full check. Drain
    // everything queued (ENOBUFS after an overrun is a trigger too).
    std::array<char, 8192> buf;
    while (::recv(netconf_.native_handle(), buf.data(), buf.size(), MSG_DONTWAIT) > 0 || errno == ENOBUFS) {
    }
    check();
    wait_netconf();
  });
}

void SysctlWatch::wait_timer() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    check();
    wait_timer();
  });
}

}  // namespace tund
