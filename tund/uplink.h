// Fills in what the configuration left open (packet-path §3, §8): the uplinks are the
// interfaces of the main table's default routes (IPv4 and IPv6), the shared addresses are
// their global unicast addresses, and the TUN MTU is the largest uplink MTU. Explicit
// configuration values always win. Reads only; needs no privileges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proto/ip/address.h"
#include "tund/config.h"
#include "tund/sys_error.h"

namespace tund {

// Completes config.uplinks, config.shared_addresses and config.mtu. InvalidConfig (with a
// detail naming what is missing) when there is no default route or no usable address.
SysStatus resolve_network(Config& config);

// Global unicast addresses of the interface (no loopback, IPv4 link-local, IPv6 link-local).
SysResult<std::vector<proto::ip::IpAddress>> interface_addresses(const std::string& ifname);
SysResult<uint32_t> interface_mtu(const std::string& ifname);

}  // namespace tund
