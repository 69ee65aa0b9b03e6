// Errors from the daemon's system calls: a typed code saying which step failed, the errno
// value, and a static description. No allocation until message() is called.
#pragma once

#include <cstdint>
#include <string>
#include <tl/expected.hpp>

namespace tund {

enum class SysErrc : uint8_t {
  TunOpen,      // opening /dev/net/tun or TUNSETIFF / TUNSETOWNER / TUNSETGROUP / TUNSETPERSIST
  TunIo,        // read() or write() on the TUN fd
  LinkConfig,   // interface index, MTU or up/down
  Sysctl,       // reading or writing /proc/sys/net/...
  Netlink,      // opening, sending on or receiving from the rtnetlink socket
  RouteChange,  // RTM_NEWROUTE / RTM_DELROUTE refused by the kernel
  RuleChange,   // RTM_NEWRULE / RTM_DELRULE refused by the kernel
  ControlSocket,  // creating, binding or accepting on the control socket
  InvalidConfig,
  IcmpSocket,   // opening or reading the raw ICMP/ICMPv6 sockets
  Privileges,   // user lookup, setresuid/setresgid, capabilities
  Instance,     // runtime directory, lock file (another tund is running)
  StatsFile,    // writing the --stats-file
};

struct SysError {
  SysErrc code;
  int err;             // errno value; 0 when no system call failed (InvalidConfig)
  const char* detail;  // static string, never owned

  std::string message() const;  // "<detail>: <strerror(err)>"
};

template <class T>
using SysResult = tl::expected<T, SysError>;
using SysStatus = tl::expected<void, SysError>;

inline tl::unexpected<SysError> sys_fail(SysErrc code, int err, const char* detail) {
  return tl::unexpected<SysError>(SysError{code, err, detail});
}

const char* sys_errc_name(SysErrc code);

}  // namespace tund
