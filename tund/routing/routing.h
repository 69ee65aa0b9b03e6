// The policy-routing recipe of packet-path.md §3 and §12, set up and torn down over
// rtnetlink and /proc/sys:
//
//   pref 100   to <shared IP> ipproto tcp dport <ephemeral range> lookup <table> proto <tag>
//   pref 200   to <shared IP> ipproto tcp dport <listener port>   lookup <table> proto <tag>
//   pref 1000  lookup local proto <tag>                     (moved from pref 0)
//   table <table>: default dev <tun> proto <tag>            (IPv4 and IPv6)
//   sysctls: forwarding on the TUN and the uplinks, accept_local on the TUN (IPv4),
//            force_forwarding (IPv6, kernel >= 6.17) or global forwarding + accept_ra=2
//            (older kernels, §6), ip_local_reserved_ports += ephemeral range (§5.3).
//
// Everything tund installs carries the tag, so cleanup_stale() finds what a crashed run
// left behind. Sysctls are journalled and restored by teardown(); after a crash they stay
// as set (the TUN's own values vanish with a non-persistent device).
//
// Ownership/threading: one Routing per tund instance, used from one thread. The destructor
// calls teardown() if setup() succeeded and teardown() was not called. Single-instance
// assumption: teardown() moves `local` back to pref 0 without checking for another tund.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "proto/ip/address.h"
#include "tund/routing/netlink.h"
#include "tund/routing/rule.h"
#include "tund/routing/sysctl.h"
#include "tund/sys_error.h"

namespace tund::routing {

struct RoutingConfig {
  std::string tun_name = "tc0";                       // must exist and be up at setup()
  std::vector<std::string> uplinks;                   // interfaces carrying tund's traffic
  std::vector<proto::ip::IpAddress> shared_addresses; // the host addresses tund uses
  uint32_t table = 100;
  uint8_t tag = 199;                                  // FRA_PROTOCOL / rtm_protocol value
  PortRange ephemeral{40000, 49999};                  // tund's source ports for connect()
  uint32_t ephemeral_priority = 100;
  uint32_t listener_priority = 200;
  uint32_t local_priority = 1000;                     // where the `local` rule moves to
};

class Routing {
 public:
  // Validates the config (InvalidConfig) and opens the netlink socket (Netlink).
  static SysResult<Routing> create(RoutingConfig config);
  Routing(Routing&& other) noexcept;
  Routing& operator=(Routing&&) noexcept = delete;
  Routing(const Routing&) = delete;
  Routing& operator=(const Routing&) = delete;
  ~Routing();

  // Removes everything a previous run with the same tag left: moves `local` back to pref 0
  // if it is missing there, then deletes every rule and every default route in the table
  // that carries the tag (both families). Safe to call when there is nothing to clean.
  SysStatus cleanup_stale();

  // cleanup_stale(), then the sysctls, table routes, ephemeral-range rules, and the move of
  // `local` (add the new pref, then delete pref 0 if present: no gap). On error, undoes
  // what it did and returns the error.
  SysStatus setup();

  // Installs "to <each shared IP> ipproto tcp dport <port>" before the first SYN may be
  // answered. Idempotent. InvalidConfig for port 0, a port in the ephemeral range, or
  // before setup(). Keep it until the last connection on the port is closed (§5.2).
  SysStatus add_listener(uint16_t port);
  // Removes the listener's rules; removing an unknown port is a no-op.
  SysStatus remove_listener(uint16_t port);
  const std::set<uint16_t>& listeners() const { return listeners_; }

  // Deletes listener and ephemeral rules, restores `local` at pref 0 (add first, then
  // delete the moved one), deletes the table routes, restores the sysctls. Best effort:
  // tries every step and returns the first error. Idempotent.
  SysStatus teardown();

  // Rules (not tund's) whose priority is in (0, local_priority) and that select all
  // traffic: they now see packets for local addresses before `local` does (§3.3).
  SysResult<std::vector<Rule>> rules_shadowing_local();

  // Re-applies sysctls someone reset since setup() (packet-path §5.8); returns their keys.
  SysResult<std::vector<std::string>> reassert_sysctls() { return sysctls_.reassert(); }

  const RoutingConfig& config() const { return config_; }

 private:
  Routing(RoutingConfig config, RtNetlink nl) : config_(std::move(config)), nl_(std::move(nl)) {}
  std::vector<proto::ip::Family> families() const;
  Rule port_rule(const proto::ip::IpAddress& addr, uint32_t priority, PortRange ports) const;
  Rule local_rule(proto::ip::Family family, uint32_t priority, uint8_t protocol) const;
  SysStatus apply_sysctls();
  SysStatus move_local_rule(proto::ip::Family family);
  SysStatus restore_local_rule(proto::ip::Family family);
  SysStatus delete_tagged_rules(proto::ip::Family family);

  RoutingConfig config_;
  RtNetlink nl_;
  SysctlJournal sysctls_;
  std::set<uint16_t> listeners_;
  int tun_ifindex_ = 0;
  bool active_ = false;
};

}  // namespace tund::routing
