#include "tund/routing/routing.h"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <initializer_list>
#include <utility>

#include "tund/routing/route.h"

namespace tund::routing {

namespace {

using proto::ip::Family;
using proto::ip::IpAddress;

constexpr uint8_t kTcp = 6;
constexpr int kMaxStaleRoutes = 16;  // bound on the delete loop in cleanup_stale()

// Treats the listed errnos (EEXIST on add, ENOENT/ESRCH on delete) as success.
SysStatus except(SysStatus s, std::initializer_list<int> ok_errnos) {
  if (!s && std::find(ok_errnos.begin(), ok_errnos.end(), s.error().err) != ok_errnos.end()) return {};
  return s;
}

// Keeps the first error of a best-effort sequence.
void keep_first(SysStatus& first, SysStatus s) {
  if (!s && first) first = std::move(s);
}

std::string conf_key(Family f, const std::string& dev, const char* name) {
  return std::string(f == Family::V4 ? "net/ipv4/conf/" : "net/ipv6/conf/") + dev + "/" + name;
}

bool is_plain_local(const Rule& r, uint32_t priority) {
  return r.priority == priority && r.table == RT_TABLE_LOCAL && r.action == FR_ACT_TO_TBL && !r.dst &&
         !r.ip_proto && !r.dport && !r.has_other_selectors;
}

SysStatus validate(const RoutingConfig& c) {
  auto bad = [](const char* detail) { return sys_fail(SysErrc::InvalidConfig, EINVAL, detail); };
  if (c.tun_name.empty() || c.tun_name.size() >= IFNAMSIZ) return bad("TUN name empty or too long");
  if (c.shared_addresses.empty()) return bad("no shared address");
  for (const auto& u : c.uplinks)
    if (u.empty() || u.size() >= IFNAMSIZ || u.find('/') != std::string::npos) return bad("bad uplink name");
  if (c.ephemeral.first == 0 || c.ephemeral.first > c.ephemeral.last) return bad("bad ephemeral port range");
  if (c.table == 0 || (c.table >= RT_TABLE_COMPAT && c.table <= RT_TABLE_LOCAL)) return bad("reserved table id");
  if (!(0 < c.ephemeral_priority && c.ephemeral_priority < c.listener_priority &&
        c.listener_priority < c.local_priority && c.local_priority < 32766))
    return bad("rule priorities must satisfy 0 < ephemeral < listener < local < 32766");
  return {};
}

}  // namespace

SysResult<Routing> Routing::create(RoutingConfig config) {
  if (auto s = validate(config); !s) return tl::unexpected(s.error());
  auto nl = RtNetlink::open();
  if (!nl) return tl::unexpected(nl.error());
  return Routing(std::move(config), std::move(*nl));
}

Routing::Routing(Routing&& other) noexcept
    : config_(std::move(other.config_)),
      nl_(std::move(other.nl_)),
      sysctls_(std::move(other.sysctls_)),
      listeners_(std::move(other.listeners_)),
      tun_ifindex_(other.tun_ifindex_),
      active_(std::exchange(other.active_, false)) {}

Routing::~Routing() {
  if (active_) (void)teardown();
}

std::vector<Family> Routing::families() const {
  std::vector<Family> out;
  for (Family f : {Family::V4, Family::V6}) {
    auto same = [f](const IpAddress& a) { return a.family() == f; };
    if (std::any_of(config_.shared_addresses.begin(), config_.shared_addresses.end(), same)) out.push_back(f);
  }
  return out;
}

Rule Routing::port_rule(const IpAddress& addr, uint32_t priority, PortRange ports) const {
  Rule r;
  r.family = addr.family();
  r.priority = priority;
  r.table = config_.table;
  r.protocol = config_.tag;
  r.dst = addr;
  r.ip_proto = kTcp;
  r.dport = ports;
  return r;
}

Rule Routing::local_rule(Family family, uint32_t priority, uint8_t protocol) const {
  Rule r;
  r.family = family;
  r.priority = priority;
  r.table = RT_TABLE_LOCAL;
  r.protocol = protocol;
  return r;
}

SysStatus Routing::delete_tagged_rules(Family family) {
  std::vector<Rule> rules;
  if (auto s = dump_rules(nl_, family, rules); !s) return s;
  const bool local_at_zero = std::any_of(rules.begin(), rules.end(), [](const Rule& r) { return is_plain_local(r, 0); });
  const bool moved_local = std::any_of(rules.begin(), rules.end(), [&](const Rule& r) {
    return r.protocol == config_.tag && r.table == RT_TABLE_LOCAL;
  });
  // Put `local` back first so that deleting the moved copy never leaves a gap.
  if (moved_local && !local_at_zero) {
    if (auto s = except(add_rule(nl_, local_rule(family, 0, RTPROT_KERNEL)), {EEXIST}); !s) return s;
  }
  for (const Rule& r : rules) {
    if (r.protocol != config_.tag) continue;
    // The dumped rule carries every field it was created with, so this deletes exactly it.
    if (auto s = except(delete_rule(nl_, r), {ENOENT}); !s) return s;
  }
  return {};
}

SysStatus Routing::cleanup_stale() {
  for (Family f : {Family::V4, Family::V6}) {
    if (auto s = delete_tagged_rules(f); !s) return s;
    // Routes survive a crash only with a persistent TUN; delete every tagged default route.
    DefaultRoute route{f, config_.table, 0, config_.tag};
    for (int i = 0; i < kMaxStaleRoutes; ++i) {
      auto s = delete_route(nl_, route);
      if (!s && (s.error().err == ESRCH || s.error().err == ENOENT)) break;
      if (!s) return s;
    }
  }
  return {};
}

SysStatus Routing::apply_sysctls() {
  const std::string& tun = config_.tun_name;
  for (Family f : families()) {
    if (f == Family::V4) {
      // §3.1: forwarding is checked on the input device (tc0 for egress, the uplink for
      // ingress); accept_local lets tund's packets carry the host's own source.
      if (auto s = sysctls_.set(conf_key(f, tun, "forwarding"), "1"); !s) return s;
      if (auto s = sysctls_.set(conf_key(f, tun, "accept_local"), "1"); !s) return s;
      for (const auto& up : config_.uplinks)
        if (auto s = sysctls_.set(conf_key(f, up, "forwarding"), "1"); !s) return s;
      continue;
    }
    if (read_sysctl(conf_key(f, tun, "force_forwarding"))) {
      // §3.2 / §6: per-interface IPv6 forwarding (kernel >= 6.17).
      if (auto s = sysctls_.set(conf_key(f, tun, "force_forwarding"), "1"); !s) return s;
      for (const auto& up : config_.uplinks)
        if (auto s = sysctls_.set(conf_key(f, up, "force_forwarding"), "1"); !s) return s;
      continue;
    }
    // §6, older kernels: global forwarding, after accept_ra=2 on SLAAC uplinks so they keep
    // their RA-learned routes.
    for (const auto& up : config_.uplinks) {
      auto ra = read_sysctl(conf_key(f, up, "accept_ra"));
      if (!ra) return tl::unexpected(ra.error());
      if (*ra == "1")
        if (auto s = sysctls_.set(conf_key(f, up, "accept_ra"), "2"); !s) return s;
    }
    if (auto s = sysctls_.set("net/ipv6/conf/all/forwarding", "1"); !s) return s;
  }
  // §5.3: the kernel must never pick its own ephemeral ports in tund's range (v4 and v6).
  const char* key = "net/ipv4/ip_local_reserved_ports";
  auto reserved = read_sysctl(key);
  if (!reserved) return tl::unexpected(reserved.error());
  std::string range = std::to_string(config_.ephemeral.first) + "-" + std::to_string(config_.ephemeral.last);
  // Already reserved (e.g. left by a crashed run): leave it, and leave it at teardown too.
  if (("," + *reserved + ",").find("," + range + ",") != std::string::npos) return {};
  return sysctls_.set(key, reserved->empty() ? range : *reserved + "," + range);
}

SysStatus Routing::move_local_rule(Family family) {
  // §12 step 5: add the new `local` first, then delete pref 0 only if it still exists.
  if (auto s = except(add_rule(nl_, local_rule(family, config_.local_priority, config_.tag)), {EEXIST}); !s)
    return s;
  std::vector<Rule> rules;
  if (auto s = dump_rules(nl_, family, rules); !s) return s;
  for (const Rule& r : rules) {
    if (!is_plain_local(r, 0)) continue;
    if (auto s = except(delete_rule(nl_, r), {ENOENT}); !s) return s;
  }
  return {};
}

SysStatus Routing::restore_local_rule(Family family) {
  std::vector<Rule> rules;
  if (auto s = dump_rules(nl_, family, rules); !s) return s;
  if (std::none_of(rules.begin(), rules.end(), [](const Rule& r) { return is_plain_local(r, 0); })) {
    if (auto s = except(add_rule(nl_, local_rule(family, 0, RTPROT_KERNEL)), {EEXIST}); !s) return s;
  }
  return except(delete_rule(nl_, local_rule(family, config_.local_priority, config_.tag)), {ENOENT});
}

SysStatus Routing::setup() {
  if (active_) return sys_fail(SysErrc::InvalidConfig, EALREADY, "routing already set up");
  if (auto s = cleanup_stale(); !s) return s;
  tun_ifindex_ = int(if_nametoindex(config_.tun_name.c_str()));
  if (tun_ifindex_ == 0) return sys_fail(SysErrc::LinkConfig, errno, "if_nametoindex(TUN)");
  active_ = true;  // from here a failure undoes the partial setup through teardown()
  auto fail_and_undo = [this](SysStatus s) {
    (void)teardown();
    return s;
  };
  if (auto s = apply_sysctls(); !s) return fail_and_undo(s);
  for (Family f : families())
    if (auto s = add_route(nl_, DefaultRoute{f, config_.table, tun_ifindex_, config_.tag}); !s) return fail_and_undo(s);
  for (const IpAddress& a : config_.shared_addresses)
    if (auto s = except(add_rule(nl_, port_rule(a, config_.ephemeral_priority, config_.ephemeral)), {EEXIST}); !s)
      return fail_and_undo(s);
  for (Family f : families())
    if (auto s = move_local_rule(f); !s) return fail_and_undo(s);
  return {};
}

SysStatus Routing::add_listener(uint16_t port) {
  if (!active_) return sys_fail(SysErrc::InvalidConfig, EINVAL, "add_listener before setup");
  if (port == 0 || (port >= config_.ephemeral.first && port <= config_.ephemeral.last))
    return sys_fail(SysErrc::InvalidConfig, EINVAL, "listener port is 0 or inside the ephemeral range");
  for (const IpAddress& a : config_.shared_addresses) {
    if (auto s = except(add_rule(nl_, port_rule(a, config_.listener_priority, {port, port})), {EEXIST}); !s) {
      (void)remove_listener(port);
      return s;
    }
    listeners_.insert(port);
  }
  return {};
}

SysStatus Routing::remove_listener(uint16_t port) {
  if (listeners_.erase(port) == 0) return {};
  SysStatus first;
  for (const IpAddress& a : config_.shared_addresses)
    keep_first(first, except(delete_rule(nl_, port_rule(a, config_.listener_priority, {port, port})), {ENOENT}));
  return first;
}

SysStatus Routing::teardown() {
  if (!active_) return {};
  SysStatus first;
  // §12 teardown: listener and ephemeral rules first, so peers get RSTs from the kernel
  // rather than silence, then `local` back to pref 0, then the routes.
  for (uint16_t port : std::set<uint16_t>(listeners_)) keep_first(first, remove_listener(port));
  for (const IpAddress& a : config_.shared_addresses)
    keep_first(first, except(delete_rule(nl_, port_rule(a, config_.ephemeral_priority, config_.ephemeral)), {ENOENT}));
  for (Family f : families()) {
    keep_first(first, restore_local_rule(f));
    // The route is gone already if the TUN was closed (ENODEV / ESRCH / ENOENT).
    keep_first(first, except(delete_route(nl_, DefaultRoute{f, config_.table, tun_ifindex_, config_.tag}),
                             {ESRCH, ENOENT, ENODEV}));
  }
  keep_first(first, sysctls_.restore_all());
  active_ = false;
  return first;
}

SysResult<std::vector<Rule>> Routing::rules_shadowing_local() {
  std::vector<Rule> out;
  for (Family f : {Family::V4, Family::V6}) {
    std::vector<Rule> rules;
    if (auto s = dump_rules(nl_, f, rules); !s) return tl::unexpected(s.error());
    for (const Rule& r : rules) {
      const bool selects_all = !r.dst && !r.ip_proto && !r.dport && !r.has_other_selectors;
      if (r.priority > 0 && r.priority < config_.local_priority && r.protocol != config_.tag && selects_all)
        out.push_back(r);
    }
  }
  return out;
}

}  // namespace tund::routing
