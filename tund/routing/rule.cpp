#include "tund/routing/rule.h"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>

namespace tund::routing {

namespace {

using proto::ip::Family;
using proto::ip::IpAddress;

uint8_t af(Family f) { return f == Family::V4 ? AF_INET : AF_INET6; }

void put_rule(nlmsghdr* msg, const Rule& r) {
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(msg, sizeof(fib_rule_hdr)));
  frh->family = af(r.family);
  frh->action = r.action;
  // Table ids above 255 only fit FRA_TABLE; the header then says RT_TABLE_COMPAT (§12).
  frh->table = uint8_t(r.table < 256 ? r.table : RT_TABLE_COMPAT);
  mnl_attr_put_u32(msg, FRA_TABLE, r.table);
  mnl_attr_put_u32(msg, FRA_PRIORITY, r.priority);
  if (r.dst) {
    frh->dst_len = uint8_t(r.dst->bytes().size() * 8);
    mnl_attr_put(msg, FRA_DST, r.dst->bytes().size(), r.dst->bytes().data());
  }
  if (r.protocol) mnl_attr_put_u8(msg, FRA_PROTOCOL, *r.protocol);
  if (r.ip_proto) mnl_attr_put_u8(msg, FRA_IP_PROTO, *r.ip_proto);
  if (r.dport) {
    fib_rule_port_range range{r.dport->first, r.dport->last};  // host byte order
    mnl_attr_put(msg, FRA_DPORT_RANGE, sizeof(range), &range);
  }
}

int on_attr(const nlattr* attr, void* data) {
  Rule& r = *static_cast<Rule*>(data);
  const uint16_t type = mnl_attr_get_type(attr);
  const uint16_t len = mnl_attr_get_payload_len(attr);
  const auto* payload = static_cast<const uint8_t*>(mnl_attr_get_payload(attr));
  switch (type) {
    case FRA_PRIORITY:
      if (len >= 4) r.priority = mnl_attr_get_u32(attr);
      break;
    case FRA_TABLE:
      if (len >= 4) r.table = mnl_attr_get_u32(attr);
      break;
    case FRA_PROTOCOL:
      if (len >= 1) r.protocol = mnl_attr_get_u8(attr);
      break;
    case FRA_IP_PROTO:
      if (len >= 1) r.ip_proto = mnl_attr_get_u8(attr);
      break;
    case FRA_DST:
      r.dst = IpAddress::from_bytes(proto::ByteView(payload, len));
      break;
    case FRA_DPORT_RANGE:
      if (len >= sizeof(fib_rule_port_range)) {
        auto* range = static_cast<const fib_rule_port_range*>(mnl_attr_get_payload(attr));
        r.dport = PortRange{range->start, range->end};
      }
      break;
    case FRA_SRC: case FRA_IIFNAME: case FRA_OIFNAME: case FRA_FWMARK: case FRA_GOTO:
    case FRA_UID_RANGE: case FRA_SPORT_RANGE: case FRA_L3MDEV: case FRA_TUN_ID:
      r.has_other_selectors = true;
      break;
    default:
      break;
  }
  return MNL_CB_OK;
}

std::optional<Rule> parse_rule(const nlmsghdr* msg) {
  if (msg->nlmsg_type != RTM_NEWRULE || mnl_nlmsg_get_payload_len(msg) < sizeof(fib_rule_hdr))
    return std::nullopt;
  const auto* frh = static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(msg));
  Rule r;
  r.family = frh->family == AF_INET6 ? Family::V6 : Family::V4;
  r.action = frh->action;
  r.table = frh->table;
  if (frh->src_len != 0 || frh->tos != 0) r.has_other_selectors = true;
  mnl_attr_parse(msg, sizeof(fib_rule_hdr), on_attr, &r);
  // A prefix shorter than a full address is a selector tund never installs.
  if (frh->dst_len != 0 && (!r.dst || frh->dst_len != r.dst->bytes().size() * 8))
    r.has_other_selectors = true;
  return r;
}

}  // namespace

std::string Rule::to_string() const {
  std::string s = std::to_string(priority) + ":";
  if (dst) s += " to " + dst->to_string();
  if (ip_proto) s += " ipproto " + std::to_string(*ip_proto);
  if (dport) s += " dport " + std::to_string(dport->first) + "-" + std::to_string(dport->last);
  if (has_other_selectors) s += " (other selectors)";
  s += " action " + std::to_string(action) + " table " + std::to_string(table);
  if (protocol) s += " proto " + std::to_string(*protocol);
  return s;
}

SysStatus add_rule(RtNetlink& nl, const Rule& rule) {
  nlmsghdr* msg = nl.start(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL);
  put_rule(msg, rule);
  return nl.request(msg, SysErrc::RuleChange, "RTM_NEWRULE");
}

SysStatus delete_rule(RtNetlink& nl, const Rule& rule) {
  nlmsghdr* msg = nl.start(RTM_DELRULE, 0);
  put_rule(msg, rule);
  return nl.request(msg, SysErrc::RuleChange, "RTM_DELRULE");
}

SysStatus dump_rules(RtNetlink& nl, Family family, std::vector<Rule>& out) {
  nlmsghdr* msg = nl.start(RTM_GETRULE, 0);
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(msg, sizeof(fib_rule_hdr)));
  frh->family = af(family);
  return nl.dump(
      msg,
      [&out](const nlmsghdr* reply) {
        if (auto r = parse_rule(reply)) out.push_back(*r);
      },
      "RTM_GETRULE dump");
}

}  // namespace tund::routing
