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

struct DumpContext {
  uint32_t table;
  std::vector<int>* out;
};

void add_oif(std::vector<int>& out, int oif) {
  for (int o : out)
    if (o == oif) return;
  out.push_back(oif);
}

void collect_default_oifs(const nlmsghdr* msg, const DumpContext& ctx) {
  if (msg->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(msg) < sizeof(rtmsg)) return;
  const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(msg));
  if (rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST) return;
  struct Attrs {
    uint32_t table;
    int oif = 0;
    const nlattr* multipath = nullptr;
  } a{rtm->rtm_table};
  mnl_attr_parse(
      msg, sizeof(rtmsg),
      [](const nlattr* attr, void* data) {
        auto& out = *static_cast<Attrs*>(data);
        const uint16_t type = mnl_attr_get_type(attr);
        if (type == RTA_TABLE && mnl_attr_get_payload_len(attr) >= 4) out.table = mnl_attr_get_u32(attr);
        if (type == RTA_OIF && mnl_attr_get_payload_len(attr) >= 4) out.oif = int(mnl_attr_get_u32(attr));
        if (type == RTA_MULTIPATH) out.multipath = attr;
        return MNL_CB_OK;
      },
      &a);
  const uint32_t table = a.table;
  const int oif = a.oif;
  const nlattr* multipath = a.multipath;
  if (table != ctx.table) return;
  if (oif != 0) add_oif(*ctx.out, oif);
  if (!multipath) return;
  // RTA_MULTIPATH: a packed list of struct rtnexthop, each followed by its own attributes.
  const auto* p = static_cast<const uint8_t*>(mnl_attr_get_payload(multipath));
  size_t left = mnl_attr_get_payload_len(multipath);
  while (left >= sizeof(rtnexthop)) {
    const auto* nh = reinterpret_cast<const rtnexthop*>(p);
    if (nh->rtnh_len < sizeof(rtnexthop) || nh->rtnh_len > left) break;
    if (nh->rtnh_ifindex > 0) add_oif(*ctx.out, nh->rtnh_ifindex);
    const size_t step = RTNH_ALIGN(nh->rtnh_len);
    if (step >= left) break;
    p += step;
    left -= step;
  }
}

}  // namespace

SysStatus dump_default_route_oifs(RtNetlink& nl, proto::ip::Family family, uint32_t table, std::vector<int>& out) {
  nlmsghdr* msg = nl.start(RTM_GETROUTE, 0);
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(msg, sizeof(rtmsg)));
  rtm->rtm_family = family == proto::ip::Family::V4 ? AF_INET : AF_INET6;
  DumpContext ctx{table, &out};
  return nl.dump(msg, [&ctx](const nlmsghdr* m) { collect_default_oifs(m, ctx); }, "RTM_GETROUTE dump");
}

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
