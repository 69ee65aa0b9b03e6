// Identity of a control client, read from the kernel (SO_PEERCRED), never from its messages.
#pragma once

#include <sys/types.h>

#include <optional>

namespace tund::control {

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

// SO_PEERCRED of a connected AF_UNIX socket; nullopt if the kernel refuses (errno set).
std::optional<PeerCredentials> read_peer_credentials(int sock);

// Whether the peer may bind ports below 1024: uid 0, or CAP_NET_BIND_SERVICE in the effective
// set of /proc/<pid>/status. Approximation, documented: read once at connect time (a process
// that drops or gains the capability later keeps its first answer; pid reuse between the
// connect and the read is possible but needs the client to exit in that window, and then it
// only affects a session that is already gone); net.ipv4.ip_unprivileged_port_start is
// assumed to be 1024.
bool may_bind_privileged(const PeerCredentials& peer);

}  // namespace tund::control
