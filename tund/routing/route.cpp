#include "tund/routing/route.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

namespace tund::routing {

namespace {

void put_route(nlmsghdr* msg, const DefaultRoute& r) {
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(msg, sizeof(rtmsg)));
  rtm->rtm_family = r.family == proto::ip::Family::V4 ? AF_INET : AF_INET6;
  rtm->rtm_dst_len = 0;
  rtm->rtm_table = uint8_t(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
  rtm->rtm_protocol = r.protocol;
  rtm->rtm_scope = RT_SCOPE_LINK;
  rtm->rtm_type = RTN_UNICAST;
  mnl_attr_put_u32(msg, RTA_TABLE, r.table);
  if (r.oif != 0) mnl_attr_put_u32(msg, RTA_OIF, uint32_t(r.oif));
}

}  // namespace

SysStatus add_route(RtNetlink& nl, const DefaultRoute& route) {
  nlmsghdr* msg = nl.start(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
  put_route(msg, route);
  return nl.request(msg, SysErrc::RouteChange, "RTM_NEWROUTE");
}

SysStatus delete_route(RtNetlink& nl, const DefaultRoute& route) {
  nlmsghdr* msg = nl.start(RTM_DELROUTE, 0);
  put_route(msg, route);
  // A delete matches on scope too; RT_SCOPE_NOWHERE means "any scope" (as iproute2 does).
  static_cast<rtmsg*>(mnl_nlmsg_get_payload(msg))->rtm_scope = RT_SCOPE_NOWHERE;
  return nl.request(msg, SysErrc::RouteChange, "RTM_DELROUTE");
}

}  // namespace tund::routing
