#include "tund/uplink.h"

#include <ifaddrs.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tund/routing/netlink.h"
#include "tund/routing/route.h"

namespace tund {

namespace {

using proto::ip::IpAddress;

bool usable(const IpAddress& a) {
  const auto b = a.bytes();
  if (a.is_v4()) return b[0] != 127 && !(b[0] == 169 && b[1] == 254) && b[0] != 0;
  const bool link_local = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
  const bool loopback_or_unspec = std::all_of(b.begin(), b.end() - 1, [](uint8_t x) { return x == 0; });
  const bool multicast = b[0] == 0xff;
  return !link_local && !loopback_or_unspec && !multicast;
}

}  // namespace

SysResult<std::vector<IpAddress>> interface_addresses(const std::string& ifname) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) < 0) return sys_fail(SysErrc::LinkConfig, errno, "getifaddrs");
  std::vector<IpAddress> out;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || ifname != i->ifa_name) continue;
    std::optional<IpAddress> a;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      a = IpAddress::from_bytes(proto::ByteView(reinterpret_cast<const uint8_t*>(&sin->sin_addr), 4));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      a = IpAddress::from_bytes(proto::ByteView(sin6->sin6_addr.s6_addr, 16));
    }
    if (a && usable(*a) && std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(*a);
  }
  ::freeifaddrs(list);
  return out;
}

SysResult<uint32_t> interface_mtu(const std::string& ifname) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return sys_fail(SysErrc::LinkConfig, errno, "socket for SIOCGIFMTU");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  int rc = ::ioctl(fd, SIOCGIFMTU, &ifr);
  int saved = errno;
  ::close(fd);
  if (rc < 0) return sys_fail(SysErrc::LinkConfig, saved, "SIOCGIFMTU on uplink");
  return uint32_t(ifr.ifr_mtu);
}

SysStatus resolve_network(Config& config) {
  if (config.uplinks.empty()) {
    auto nl = routing::RtNetlink::open();
    if (!nl) return tl::unexpected(nl.error());
    std::vector<int> oifs;
    for (auto f : {proto::ip::Family::V4, proto::ip::Family::V6})
      if (auto s = routing::dump_default_route_oifs(*nl, f, RT_TABLE_MAIN, oifs); !s) return s;
    for (int oif : oifs) {
      char name[IF_NAMESIZE] = {};
      if (!::if_indextoname(unsigned(oif), name) || config.tun_name == name) continue;
      if (std::find(config.uplinks.begin(), config.uplinks.end(), name) == config.uplinks.end())
        config.uplinks.emplace_back(name);
    }
    if (config.uplinks.empty())
      return sys_fail(SysErrc::InvalidConfig, 0, "no default route in the main table: give --uplink");
  }
  if (config.shared_addresses.empty()) {
    for (const auto& up : config.uplinks) {
      auto addrs = interface_addresses(up);
      if (!addrs) return tl::unexpected(addrs.error());
      config.shared_addresses.insert(config.shared_addresses.end(), addrs->begin(), addrs->end());
    }
    if (config.shared_addresses.empty())
      return sys_fail(SysErrc::InvalidConfig, 0, "the uplinks have no global address: give --address");
  }
  if (config.mtu == 0) {
    for (const auto& up : config.uplinks) {
      auto mtu = interface_mtu(up);
      if (!mtu) return tl::unexpected(mtu.error());
      config.mtu = std::max(config.mtu, *mtu);
    }
  }
  return {};
}

}  // namespace tund
