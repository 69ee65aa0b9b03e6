// Policy routing rules (`ip rule`) as values, and their rtnetlink encoding
// (packet-path §12, "RTM_NEWRULE layout").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "proto/ip/address.h"
#include "tund/routing/netlink.h"
#include "tund/sys_error.h"

namespace tund::routing {

struct PortRange {
  uint16_t first = 0;
  uint16_t last = 0;
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

// One rule of the kinds tund installs or inspects: "[to <dst>] [ipproto tcp dport <range>]
// lookup <table> [protocol <tag>]" at a priority.
struct Rule {
  proto::ip::Family family = proto::ip::Family::V4;
  uint32_t priority = 0;
  uint32_t table = 0;
  uint8_t action = 1;                       // FR_ACT_TO_TBL
  std::optional<uint8_t> protocol;          // FRA_PROTOCOL, tund's tag on its rules
  std::optional<proto::ip::IpAddress> dst;  // full-length prefix
  std::optional<uint8_t> ip_proto;          // FRA_IP_PROTO
  std::optional<PortRange> dport;           // FRA_DPORT_RANGE
  bool has_other_selectors = false;         // set by parse: src, iif, fwmark, ... (never sent)

  std::string to_string() const;            // `ip rule` style, for logs and test output
  friend bool operator==(const Rule&, const Rule&) = default;
};

// RTM_NEWRULE with NLM_F_CREATE|NLM_F_EXCL. Returns RuleChange/EEXIST if an identical rule
// exists; callers that want idempotence treat EEXIST as success.
SysStatus add_rule(RtNetlink& nl, const Rule& rule);
// RTM_DELRULE with the same body: the kernel deletes the first rule that matches every
// field given (priority, table, protocol, selectors). ENOENT when none does.
SysStatus delete_rule(RtNetlink& nl, const Rule& rule);
// Lists all rules of one family.
SysStatus dump_rules(RtNetlink& nl, proto::ip::Family family, std::vector<Rule>& out);

}  // namespace tund::routing
