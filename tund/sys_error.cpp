#include "tund/sys_error.h"

#include <cstring>

namespace tund {

std::string SysError::message() const {
  std::string m = std::string(sys_errc_name(code)) + ": " + detail;
  if (err != 0) m += std::string(": ") + std::strerror(err);
  return m;
}

const char* sys_errc_name(SysErrc code) {
  switch (code) {
    case SysErrc::TunOpen: return "TUN open";
    case SysErrc::TunIo: return "TUN I/O";
    case SysErrc::LinkConfig: return "link config";
    case SysErrc::Sysctl: return "sysctl";
    case SysErrc::Netlink: return "netlink";
    case SysErrc::RouteChange: return "route change";
    case SysErrc::RuleChange: return "rule change";
    case SysErrc::ControlSocket: return "control socket";
    case SysErrc::InvalidConfig: return "invalid config";
    case SysErrc::IcmpSocket: return "ICMP socket";
    case SysErrc::Privileges: return "privileges";
    case SysErrc::Instance: return "instance";
    case SysErrc::StatsFile: return "stats file";
  }
  return "unknown";
}

}  // namespace tund
