// Privilege drop, OpenSSH style: after everything that needs root is open (TUN, netlink,
// raw ICMP sockets, control socket, lock file), become an unprivileged user that keeps
// exactly the capabilities listed in kKeptCapabilities, and can never get root back.
//
// Why each capability stays (all are scoped to tund's network namespace):
//   CAP_NET_ADMIN  per-listener `ip rule` changes at run time (packet-path §3.3, §12 step 6),
//                  re-applying reset sysctls (§5.8, sysctl_watch.h), and the teardown at
//                  exit (rules, routes, sysctls restored), all over rtnetlink and /proc/sys.
// Why the others go:
//   CAP_NET_RAW    is checked when a raw socket is created, not when it is read; the ICMP
//                  sockets are open before the drop, so keeping it would only allow new
//                  raw sockets (packet forgery) after a compromise.
//   everything else: not needed; the bounding set is emptied too.
// Without a run-as user tund stays root (and says so in the log).
#pragma once

#include <string>

#include "tund/sys_error.h"

namespace tund {

// Looks up `user` (not root), sets supplementary groups to its primary group only, switches
// real/effective/saved uid and gid, keeps kKeptCapabilities permitted and effective, clears
// the bounding set of everything else, sets no_new_privs, and verifies root cannot be
// regained. Errors: Privileges (unknown user, user is root, a failed call).
SysStatus drop_privileges(const std::string& user);

}  // namespace tund
