// The one route tund needs per family: "default dev <tun> table <T> proto <tag>"
// (packet-path §3, §12 step 3).
#pragma once

#include <cstdint>
#include <vector>

#include "proto/ip/address.h"
#include "tund/routing/netlink.h"
#include "tund/sys_error.h"

namespace tund::routing {

struct DefaultRoute {
  proto::ip::Family family = proto::ip::Family::V4;
  uint32_t table = 0;
  int oif = 0;           // interface index; 0 in a delete matches any device
  uint8_t protocol = 0;  // tund's tag, so a delete only removes tund's route
};

// RTM_NEWROUTE with NLM_F_CREATE|NLM_F_REPLACE: idempotent across restarts.
SysStatus add_route(RtNetlink& nl, const DefaultRoute& route);
// RTM_DELROUTE; ESRCH (v4) or ENOENT (v6) when there is none.
SysStatus delete_route(RtNetlink& nl, const DefaultRoute& route);
// Appends the output interface index of every unicast default route in `table` (multipath
// next hops included), in dump order. Used to find the uplinks (the main table's default).
SysStatus dump_default_route_oifs(RtNetlink& nl, proto::ip::Family family, uint32_t table, std::vector<int>& out);

}  // namespace tund::routing
