// tund entry point. Startup order (each step needs the previous one; see packet-path §12):
//   config -> logging -> network defaults (uplinks, addresses, MTU) -> instance lock ->
//   TUN -> routing setup (cleans stale state of a crashed run first) -> raw ICMP and netconf
//   sockets -> control socket (its directory may need root) -> privilege drop -> loop.
// The lock and the TUN come before any routing change, so a second tund fails with "lock
// held" or "TUN busy" and never touches the first one's rules.
// Exit codes: 0 clean shutdown (SIGINT/SIGTERM), 1 runtime failure, 2 invalid configuration.
#include <spdlog/spdlog.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tund/config.h"
#include "tund/daemon.h"
#include "tund/conn_table/conn_table.h"
#include "tund/conn_table/security.h"
#include "tund/control/server.h"
#include "tund/icmp/icmp_receiver.h"
#include "tund/instance_lock.h"
#include "tund/log.h"
#include "tund/privileges.h"
#include "tund/routing/routing.h"
#include "tund/sysctl_watch.h"
#include "tund/tun/device.h"
#include "tund/uplink.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadConfig = 2;

int fail(const tund::SysError& e) {
  spdlog::error("{}", e.message());
  return e.code == tund::SysErrc::InvalidConfig ? kExitBadConfig : kExitFailure;
}

bool has_family(const tund::Config& c, proto::ip::Family f) {
  for (const auto& a : c.shared_addresses)
    if (a.family() == f) return true;
  return false;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

int run(const std::vector<std::string>& args) {
  auto parsed = tund::parse_config(args, std::cout);
  if (!parsed) {
    if (parsed.error().code != 0) std::cerr << "tund: " << parsed.error().message << "\n";
    return parsed.error().code;
  }
  tund::Config config = std::move(*parsed);
  tund::setup_logging(config.log_level);
  if (auto s = tund::resolve_network(config); !s) return fail(s.error());
  std::string addrs;
  for (const auto& a : config.shared_addresses) addrs += (addrs.empty() ? "" : ",") + a.to_string();
  spdlog::info("uplinks {} shared addresses {} MTU {} ports {}-{}", join(config.uplinks), addrs, config.mtu,
               config.ephemeral.first, config.ephemeral.last);

  auto lock = tund::InstanceLock::acquire(tund::parent_dir(config.control_socket));
  if (!lock) return fail(lock.error());

  // Not persistent: the device (and its routes) go away with the process, so after a crash
  // peers get RSTs from the kernel rather than silence until the next start (§5.4).
  auto tun = tund::tun::TunDevice::open({.name = config.tun_name});
  if (!tun) return fail(tun.error());
  if (auto s = tun->set_mtu(config.mtu); !s) return fail(s.error());
  if (auto s = tun->set_up(true); !s) return fail(s.error());

  tund::routing::RoutingConfig rc;
  rc.tun_name = config.tun_name;
  rc.uplinks = config.uplinks;
  rc.shared_addresses = config.shared_addresses;
  rc.table = config.table;
  rc.tag = config.rule_tag;
  rc.ephemeral = config.ephemeral;
  auto routing = tund::routing::Routing::create(rc);
  if (!routing) return fail(routing.error());
  if (auto s = routing->setup(); !s) return fail(s.error());
  if (auto shadow = routing->rules_shadowing_local(); shadow && !shadow->empty())
    spdlog::warn("{} catch-all rule(s) sit before the moved `local` rule (pref {}): local traffic may misroute",
                 shadow->size(), rc.local_priority);

  auto icmp = tund::icmp::IcmpSockets::open(has_family(config, proto::ip::Family::V4),
                                            has_family(config, proto::ip::Family::V6));
  if (!icmp) return fail(icmp.error());
  auto netconf = tund::SysctlWatch::open_netconf_socket();
  if (!netconf) return fail(netconf.error());

  tund::DaemonOptions options;
  options.stats_file = config.stats_file;
  options.netconf_fd = *netconf;
  // SIGHUP re-reads the configuration but applies only the log level: everything else is
  // bound into routing and open sockets, and changing it needs a restart.
  options.on_reload = [&args] {
    std::ostringstream ignored;
    auto again = tund::parse_config(args, ignored);
    if (!again) {
      spdlog::warn("SIGHUP: configuration invalid, log level unchanged: {}", again.error().message);
      return;
    }
    tund::set_log_level(again->log_level);
    spdlog::info("SIGHUP: log level {}", again->log_level);
  };
  tund::conn_table::ConnTable* table_ptr = nullptr;
  options.extra_stats = [&table_ptr] { return table_ptr ? table_ptr->stats().to_text() : std::string(); };
  tund::Daemon daemon(*tun, *routing, *icmp, std::move(options));

  tund::conn_table::ConnTableConfig tc;
  tc.addresses = config.shared_addresses;
  tc.ephemeral = config.ephemeral;
  tc.mtu = config.mtu;
  tc.max_connections = config.max_connections;
  tc.syn_retries = config.syn_retries;
  tc.security = tund::conn_table::security_defaults(config);
  tc.resumption_cache = tund::conn_table::resumption_cache_config(config);
  tc.add_listener_rule = [&routing](uint16_t port) { return routing->add_listener(port); };
  tc.remove_listener_rule = [&routing](uint16_t port) { return routing->remove_listener(port); };
  tc.reschedule = [&daemon] { daemon.reschedule(); };
  tund::conn_table::ConnTable table(daemon.io(), daemon.clock(), daemon, std::move(tc));
  table_ptr = &table;

  tund::control::ServerConfig sc;
  sc.path = config.control_socket;
  sc.max_clients = config.max_connections;
  tund::control::ControlServer server(daemon.io(), table, sc);
  if (auto s = server.start(); !s) return fail(s.error());

  if (config.run_as_user) {
    if (auto s = tund::drop_privileges(*config.run_as_user); !s) return fail(s.error());
    spdlog::info("running as {} with CAP_NET_ADMIN only", *config.run_as_user);
  } else {
    spdlog::warn("no --user given: running as root with all capabilities");
  }

  spdlog::info("running: TUN {} table {} tag {} control {}", config.tun_name, config.table, config.rule_tag,
               config.control_socket);
  daemon.run(table);

  daemon.write_stats();
  const bool clean = bool(routing->teardown());
  if (!clean) spdlog::error("teardown incomplete; the next start cleans the tagged rules");
  spdlog::info("stopped: {} connections opened, {} accepted", table.stats().connects, table.stats().accepted);
  return clean ? 0 : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "tund: fatal: " << e.what() << "\n";
    return kExitFailure;
  }
}
